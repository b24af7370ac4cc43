// Opens the store named by a --db value: a SQLite file path (the default), ":memory:", or a
// postgres:// URL. Runs the migrations and settles the server secret before returning.
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import { Kysely, Migrator } from "kysely";
import type { Store } from "../../ports/store.js";
import { type DB, type Engine, migrationProvider } from "./schema.js";
import { SecretBox } from "./secretBox.js";
import { type DirectRun, readerDialect, writerDialect } from "./sqliteDriver.js";
import { SqlStore } from "./sqlStore.js";

export interface OpenStoreOptions {
  /** Server secret (base64) from configuration; generated and persisted when absent. */
  serverSecret?: string | undefined;
  /** Group commit: commit a batch at this many transactions (SQLite). */
  maxBatch?: number;
  /** Group commit: or after this long (ms). */
  maxBatchDelayMs?: number;
  /** PostgreSQL pool size per node. */
  poolSize?: number;
}

export interface OpenedStore {
  store: Store;
  serverSecret: Buffer;
  engine: Engine;
  /** Where the data lives, for logs (no credentials). */
  location: string;
}

export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

async function migrate(db: Kysely<DB>, engine: Engine): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider(engine) });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
}

/**
 * Page cache: the request path touches random pages of large tables (users, codes, limits);
 * 16 MiB per connection keeps the hot ones, where the default 2 MB sends most back to the
 * kernel. (Memory-mapped I/O measured no faster here, and counts the mapped file in RSS.)
 */
function tune(db: Database.Database): void {
  db.pragma("cache_size = -16384");
}

interface Parts {
  writer: Kysely<DB>;
  reader: Kysely<DB>;
  writerDirect?: DirectRun;
  readerDirect?: DirectRun;
  close: () => Promise<void>;
}

function openSqlite(path: string, opts: OpenStoreOptions): Parts {
  const memory = path === ":memory:";
  if (!memory) mkdirSync(dirname(resolve(path)), { recursive: true });
  const w = new Database(path);
  // WAL: readers never block the writer. synchronous=FULL: a commit is on disk (fsync) before
  // it returns, so an acknowledged request survives power loss, not only a process crash.
  // Group commit in the driver keeps this to one fsync per batch of requests.
  w.pragma("journal_mode = WAL");
  w.pragma("synchronous = FULL");
  w.pragma("foreign_keys = ON");
  w.pragma("busy_timeout = 5000");
  tune(w);
  const wd = writerDialect(w, { maxBatch: opts.maxBatch ?? 256, maxDelayMs: opts.maxBatchDelayMs ?? 10 });
  const writer = new Kysely<DB>({ dialect: wd.dialect });
  if (memory) {
    // One in-memory database cannot be shared by two connections; reads go to the writer
    // (and may see a transaction in progress: :memory: is for tests and throwaway runs).
    return {
      writer,
      reader: writer,
      writerDirect: wd.direct,
      readerDirect: wd.direct,
      close: () => writer.destroy(),
    };
  }
  const r = new Database(path, { readonly: false });
  r.pragma("foreign_keys = ON");
  r.pragma("busy_timeout = 5000");
  r.pragma("query_only = ON");
  tune(r);
  const rd = readerDialect(r);
  const reader = new Kysely<DB>({ dialect: rd.dialect });
  return {
    writer,
    reader,
    writerDirect: wd.direct,
    readerDirect: rd.direct,
    close: async () => {
      await writer.destroy();
      await reader.destroy();
    },
  };
}

export async function openStore(db: string, opts: OpenStoreOptions = {}): Promise<OpenedStore> {
  let engine: Engine;
  let parts: Parts;
  let location: string;
  if (isPostgresUrl(db)) {
    const { openPostgres } = await import("./postgres.js");
    engine = "postgres";
    parts = await openPostgres(db, opts.poolSize ?? 10);
    const u = new URL(db);
    location = `postgres://${u.host}${u.pathname}`;
  } else {
    engine = "sqlite";
    parts = openSqlite(db, opts);
    location = db === ":memory:" ? ":memory:" : resolve(db);
  }
  try {
    if (engine === "postgres") {
      const { withMigrationLock } = await import("./postgres.js");
      await withMigrationLock(parts.writer, () => migrate(parts.writer, engine));
    } else {
      await migrate(parts.writer, engine);
    }
    const secretText = opts.serverSecret ?? randomBytes(32).toString("base64");
    // The configured secret wins; otherwise the first start's secret is kept for good.
    const stored =
      opts.serverSecret !== undefined
        ? opts.serverSecret
        : await parts.writer.transaction().execute(async (trx) => {
            await trx
              .insertInto("meta")
              .values({ key: "server_secret", value: secretText })
              .onConflict((oc) => oc.doNothing())
              .execute();
            const r = await trx
              .selectFrom("meta")
              .select("value")
              .where("key", "=", "server_secret")
              .executeTakeFirstOrThrow();
            return r.value;
          });
    const serverSecret = Buffer.from(stored, "base64");
    if (serverSecret.length < 16) throw new Error("the server secret must be at least 16 bytes (base64)");
    const store = new SqlStore({
      engine,
      writer: parts.writer,
      reader: parts.reader,
      writerDirect: parts.writerDirect ?? null,
      readerDirect: parts.readerDirect ?? null,
      box: new SecretBox(serverSecret),
      onClose: parts.close,
    });
    return { store, serverSecret, engine, location };
  } catch (e) {
    await parts.close().catch(() => {});
    throw e;
  }
}
