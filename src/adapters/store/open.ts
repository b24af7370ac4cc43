// Opens the store named by a --db value: a SQLite file path (the default), ":memory:", or a
// postgres:// URL. Runs the migrations and settles the server secret (serverSecret.ts)
// before returning.
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import { Kysely, Migrator } from "kysely";
import type { Store } from "../../ports/store/index.js";
import { replaceKeyFile } from "./keyFile.js";
import { migrationProvider } from "./migrations/index.js";
import type { DB, Engine } from "./schema.js";
import { noSecret, SecretBox } from "./secretBox.js";
import {
  exportLegacySecret,
  type ResealReport,
  resealAll,
  type SettledSecret,
  settleDataKey,
  settleServerSecret,
} from "./serverSecret.js";
import { type DirectRun, readerDialect, type Transact, writerDialect } from "./sqliteDriver.js";
import { SqlStore } from "./sqlStore.js";

export interface OpenStoreOptions {
  /** "production" requires a configured secret; "dev" (the default) keeps one in a key file. */
  mode?: "dev" | "production";
  /** Server secret (base64) from configuration. */
  serverSecret?: string | undefined;
  /** A key file holding it (dev mode makes it when missing). */
  serverSecretFile?: string | undefined;
  /** Where dev mode keeps the key file of a PostgreSQL database (default ./.cognate). */
  keyDir?: string;
  /** Read-only uses that never open a sealed value (`cognate messages`): no secret needed. */
  withoutSecret?: boolean;
  /** Where a failing after-commit function is reported (default: stderr). */
  onAfterCommitError?: (e: unknown) => void;
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
  /**
   * The key refresh tokens are sealed with: random, kept in the database sealed under the
   * server secret, so that rotating the secret does not end every session (serverSecret.ts,
   * "Data keys"). Empty when the store was opened without the secret.
   */
  refreshTokenKey: Buffer;
  /** Where the server secret came from, for the start-up banner (never the secret). */
  secretSource: string;
  /** What an operator should be told at start-up. */
  warnings: string[];
  engine: Engine;
  /** Where the data lives, for logs (no credentials). */
  location: string;
  /**
   * Re-seals everything sealed under `next` and records its fingerprint (`cognate secret
   * rotate`); the dev-mode key file in use, if any, then holds `next`.
   */
  resealUnder(next: Buffer, now: number): Promise<ResealReport & { devKeyFile: string | null }>;
}

export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

async function migrate(db: Kysely<DB>, engine: Engine): Promise<void> {
  // Numbers are reserved per line of work, and the work lands in any order: a database that
  // has 0008 may meet 0006 later. Each migration touches its own tables or columns, so they
  // may run out of order (and still run once each).
  const migrator = new Migrator({ db, provider: migrationProvider(engine), allowUnorderedMigrations: true });
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
  retryable?: (e: unknown) => boolean;
  reader: Kysely<DB>;
  writerDirect?: DirectRun;
  readerDirect?: DirectRun;
  /** SQLite: logical transactions straight on the group-commit driver. */
  transact?: Transact;
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
      transact: wd.transact,
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
    transact: wd.transact,
    close: async () => {
      await writer.destroy();
      await reader.destroy();
    },
  };
}

/**
 * Where dev mode keeps the server secret when none is configured: beside a SQLite file,
 * under `keyDir` (./.cognate) for PostgreSQL, nowhere (in memory) for `:memory:`.
 */
export function defaultKeyFile(db: string, keyDir = ".cognate"): string | null {
  if (db === ":memory:") return null;
  if (!isPostgresUrl(db)) return `${resolve(db)}.key`;
  const u = new URL(db);
  const name = `postgres-${u.hostname}-${u.port || "5432"}-${u.pathname.slice(1) || "postgres"}`;
  return resolve(keyDir, `${name.replace(/[^A-Za-z0-9._-]/g, "_")}.key`);
}

interface Engined {
  engine: Engine;
  parts: Parts;
  location: string;
}

/** Connects and runs the migrations. */
async function openEngine(db: string, opts: OpenStoreOptions): Promise<Engined> {
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
  } catch (e) {
    await parts.close().catch(() => {});
    throw e;
  }
  return { engine, parts, location };
}

export async function openStore(db: string, opts: OpenStoreOptions = {}): Promise<OpenedStore> {
  const { engine, parts, location } = await openEngine(db, opts);
  try {
    const settled: SettledSecret = opts.withoutSecret
      ? { secret: Buffer.alloc(0), source: "none", devKeyFile: null, warnings: [] }
      : await settleServerSecret(parts.writer, {
          mode: opts.mode ?? "dev",
          configured: opts.serverSecret,
          file: opts.serverSecretFile,
          defaultFile: defaultKeyFile(db, opts.keyDir),
          db,
        });
    const refreshTokenKey = opts.withoutSecret
      ? Buffer.alloc(0)
      : await settleDataKey(parts.writer, settled.secret, "refresh-token");
    const store = new SqlStore({
      engine,
      writer: parts.writer,
      reader: parts.reader,
      writerDirect: parts.writerDirect ?? null,
      readerDirect: parts.readerDirect ?? null,
      ...(parts.transact ? { transact: parts.transact } : {}),
      box: opts.withoutSecret ? noSecret : new SecretBox(settled.secret),
      onClose: parts.close,
      ...(parts.retryable ? { retryable: parts.retryable } : {}),
      ...(opts.onAfterCommitError ? { onAfterCommitError: opts.onAfterCommitError } : {}),
    });
    return {
      store,
      serverSecret: settled.secret,
      refreshTokenKey,
      secretSource: settled.source,
      warnings: settled.warnings,
      engine,
      location,
      async resealUnder(next, now) {
        const report = await resealAll(parts.writer, settled.secret, next, now);
        if (settled.devKeyFile !== null) replaceKeyFile(settled.devKeyFile, next.toString("base64"));
        return { ...report, devKeyFile: settled.devKeyFile };
      },
    };
  } catch (e) {
    await parts.close().catch(() => {});
    throw e;
  }
}

/**
 * `cognate secret export`: moves the server secret an earlier version kept in the database
 * out into a new key file. False when the database holds none.
 */
export async function exportServerSecret(db: string, out: string): Promise<boolean> {
  const { parts } = await openEngine(db, {});
  try {
    return await exportLegacySecret(parts.writer, out);
  } finally {
    await parts.close();
  }
}
