// README.md's supported-operations table must be the one the registry implies (the same
// function scripts/gen-readme-table.mjs writes it with).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { accessTokenOperations, currentTable, supportTable, withTable } from "../../scripts/readme-table.mjs";
import { OPERATIONS } from "../../src/operations/registry.js";
import { MODEL_OPERATIONS } from "../../src/protocol/generated/model.js";

const readme = readFileSync(join(import.meta.dirname, "../../README.md"), "utf8");

describe("README operations table", () => {
  it("is up to date with src/operations/registry.ts (run `npm run gen` after adding an operation)", () => {
    expect(currentTable(readme)).toBe(supportTable(OPERATIONS, MODEL_OPERATIONS));
  });

  it("lists every registered operation once, with its authentication from the model", () => {
    const table = supportTable(OPERATIONS, MODEL_OPERATIONS);
    for (const op of OPERATIONS) {
      const row = table.split("\n").filter((l) => l.startsWith(`| \`${op.name}\` `));
      expect(row, op.name).toHaveLength(1);
      const label =
        MODEL_OPERATIONS[op.name]?.auth !== "none"
          ? "SigV4 (admin)"
          : accessTokenOperations().has(op.name)
            ? "access token"
            : "none (public)";
      expect(row[0]).toContain(label);
    }
    expect(table).toContain(`Cognate implements ${OPERATIONS.length} of the 122 operations`);
    expect(new Set(OPERATIONS.map((o) => o.name)).size).toBe(OPERATIONS.length);
  });

  it("labels the operations a user's access token authorises from the model's inputs", () => {
    const tokenOps = accessTokenOperations();
    for (const name of ["ChangePassword", "GetUser", "GlobalSignOut", "DeleteUser"]) {
      expect(tokenOps.has(name), name).toBe(true);
    }
    for (const name of ["SignUp", "InitiateAuth", "RevokeToken", "AdminGetUser"]) {
      expect(tokenOps.has(name), name).toBe(false);
    }
  });

  it("the generator's helpers round-trip and refuse a README without markers", () => {
    const table = supportTable(OPERATIONS, MODEL_OPERATIONS);
    expect(currentTable(withTable(readme, table))).toBe(table);
    expect(withTable(withTable(readme, table), table)).toBe(withTable(readme, table));
    expect(() => currentTable("no markers")).toThrow(/markers/);
    expect(() => supportTable([{ name: "NotAnOperation" }], MODEL_OPERATIONS)).toThrow(
      /not in the service model/,
    );
  });
});
