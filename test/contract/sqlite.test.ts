// The store contract against SQLite: a file (the default deployment), a file committing one
// transaction per batch (group commit off), and `:memory:`.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../../src/adapters/store/open.js";
import { storeContract } from "./store.contract.js";

function onFile(maxBatch?: number) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), "cognate-contract-"));
    const opened = await openStore(join(dir, "store.db"), maxBatch === undefined ? {} : { maxBatch });
    return {
      store: opened.store,
      async close() {
        await opened.store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  };
}

storeContract("sqlite file", onFile());
storeContract("sqlite file, no group commit", onFile(1));
storeContract("sqlite :memory:", async () => {
  const opened = await openStore(":memory:");
  return { store: opened.store, close: () => opened.store.close() };
});
