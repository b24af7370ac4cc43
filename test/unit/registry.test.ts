// The operations registry against the service model: every implemented operation exists in
// the model and carries exactly the model's error list. defineOperation takes the list from
// the model by name (test/unit/dispatch.test.ts); this catches an operation built by hand.
import { describe, expect, it } from "vitest";
import { OPERATIONS } from "../../src/operations/registry.js";
import { MODEL_OPERATIONS } from "../../src/protocol/generated/model.js";

describe("operations registry", () => {
  it("registers each operation once, under its model name", () => {
    const names = OPERATIONS.map((o) => o.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(Object.hasOwn(MODEL_OPERATIONS, n), n).toBe(true);
  });

  it.each(OPERATIONS.map((o) => [o.name, o] as const))(
    "%s declares exactly the model's errors",
    (name, op) => {
      expect([...op.errors].sort()).toEqual([...(MODEL_OPERATIONS[name]?.errors ?? [])].sort());
    },
  );
});
