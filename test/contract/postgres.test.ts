// The store contract against PostgreSQL, when COGNATE_TEST_POSTGRES_URL names a server.
import { describe, it } from "vitest";
import { openStore } from "../../src/adapters/store/open.js";
import { freshDatabase, POSTGRES_URL } from "../helpers/postgres.js";
import { storeContract } from "./store.contract.js";

if (POSTGRES_URL) {
  storeContract("postgres", async () => {
    const db = await freshDatabase();
    const opened = await openStore(db.url, { poolSize: 20 });
    return {
      store: opened.store,
      async close() {
        await opened.store.close();
        await db.drop();
      },
    };
  });
} else {
  describe("store contract: postgres", () => {
    it.skip("skipped: set COGNATE_TEST_POSTGRES_URL to run it", () => {});
  });
}
