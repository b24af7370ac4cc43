// The store contract against SQLite: a file (the default deployment), a file committing one
// transaction per batch (group commit off), and `:memory:`.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { openStore } from "../../src/adapters/store/open.js";
import { STORE_CONTRACTS } from "./contracts.js";
import { storeContract } from "./harness.js";

function onFile(maxBatch?: number) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), "cognate-contract-"));
    const afterCommitErrors: unknown[] = [];
    const opened = await openStore(join(dir, "store.db"), {
      ...(maxBatch === undefined ? {} : { maxBatch }),
      onAfterCommitError: (e) => afterCommitErrors.push(e),
    });
    return {
      store: opened.store,
      afterCommitErrors,
      async close() {
        await opened.store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  };
}

storeContract("sqlite file", onFile(), STORE_CONTRACTS);
storeContract("sqlite file, no group commit", onFile(1), STORE_CONTRACTS);
storeContract(
  "sqlite :memory:",
  async () => {
    const afterCommitErrors: unknown[] = [];
    const opened = await openStore(":memory:", { onAfterCommitError: (e) => afterCommitErrors.push(e) });
    return { store: opened.store, afterCommitErrors, close: () => opened.store.close() };
  },
  STORE_CONTRACTS,
);

describe("sqlite file at rest", () => {
  it("keeps client secrets and access-key secrets sealed, never in plain text", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cognate-rest-"));
    try {
      const path = join(dir, "store.db");
      const opened = await openStore(path);
      const clientSecret = "plaintextclientsecretvalue123456";
      const keySecret = "plaintextaccesskeysecretvalue987654";
      await opened.store.transaction(async (tx) => {
        await tx.pools.create({
          id: "us-east-1_rest",
          name: "p",
          config: {},
          creationDate: 1,
          lastModifiedDate: 1,
        });
        await tx.clients.create({
          clientId: "restclient",
          poolId: "us-east-1_rest",
          clientName: "c",
          secret: clientSecret,
          config: {},
          creationDate: 1,
          lastModifiedDate: 1,
        });
        await tx.accessKeys.create({
          accessKeyId: "AKIDREST",
          secretAccessKey: keySecret,
          description: null,
          createdAt: 1,
          revokedAt: null,
        });
      });
      expect((await opened.store.read.clients.get("restclient"))?.secret).toBe(clientSecret);
      await opened.store.close();
      const raw = new Database(path, { readonly: true });
      const dump = JSON.stringify([
        raw.prepare("select * from user_pool_clients").all(),
        raw.prepare("select * from access_keys").all(),
      ]);
      raw.close();
      expect(dump).toContain("restclient");
      expect(dump).not.toContain(clientSecret);
      expect(dump).not.toContain(keySecret);
      // The whole file, WAL included, holds neither in plain text.
      for (const f of readdirSync(dir)) {
        const bytes = readFileSync(join(dir, f));
        expect(bytes.includes(Buffer.from(clientSecret)), f).toBe(false);
        expect(bytes.includes(Buffer.from(keySecret)), f).toBe(false);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
