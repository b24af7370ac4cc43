// The server secret: where it comes from, and that it is the one the database was sealed
// with. It keys the code HMACs and seals client and access-key secrets, so it must not sit in
// the database beside what it protects (docs/secrets.md):
// - production mode takes it from configuration (`serverSecret`, COGNATE_SERVER_SECRET) or a
//   key file (`serverSecretFile`, --server-secret-file, COGNATE_SERVER_SECRET_FILE), and
//   refuses to start without one;
// - dev mode does the same when one is given, and otherwise keeps it in a key file (0600)
//   it makes on first start: beside a SQLite database, under ./.cognate for PostgreSQL, in
//   memory for `:memory:`.
// Earlier versions kept a generated secret in the `meta` table. Dev mode moves it out into
// the key file; production refuses and says how to export it (`cognate secret export`).
// The database keeps a fingerprint of the secret (never the secret), so a node started with
// another secret refuses with a message instead of failing every sealed read later.
import { createHmac, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import type { Kysely, Transaction } from "kysely";
import { createKeyFile, newSecretText, readableByOthers, readKeyFile } from "./keyFile.js";
import { signingKeyContext } from "./repos/signingKeys.js";
import type { DB } from "./schema.js";
import { SecretBox } from "./secretBox.js";

export class ServerSecretError extends Error {
  override readonly name = "ServerSecretError";
}

/** Where earlier versions kept a generated secret. */
export const LEGACY_SECRET_KEY = "server_secret";
export const FINGERPRINT_KEY = "server_secret_fingerprint";

export interface SecretSettings {
  mode: "dev" | "production";
  /** Base64 text from configuration. */
  configured?: string | undefined;
  /** A key file named by configuration. */
  file?: string | undefined;
  /** Dev mode's own key file when none is configured; null keeps the secret in memory. */
  defaultFile: string | null;
  /** The --db value, for messages. */
  db: string;
}

export interface SettledSecret {
  secret: Buffer;
  /** Where it came from, for the start-up banner (never the secret). */
  source: string;
  /** The dev-mode key file in use, when it is one (rotation replaces it). */
  devKeyFile: string | null;
  /** Things an operator should hear about (a key file others can read). */
  warnings: string[];
}

/** Identifies a secret without revealing it: an HMAC of a fixed label under the secret. */
export function fingerprint(secret: Buffer): string {
  return createHmac("sha256", secret)
    .update("cognate server-secret fingerprint v1")
    .digest("base64url")
    .slice(0, 16);
}

/** Decoded as earlier versions did (Node's lenient base64), so configured secrets keep working. */
export function decodeSecret(text: string, from: string): Buffer {
  const bytes = Buffer.from(text.trim(), "base64");
  if (bytes.length < 16) {
    throw new ServerSecretError(
      `the server secret from ${from} must be base64 of at least 16 bytes (make one with \`cognate secret generate\`)`,
    );
  }
  return bytes;
}

const HOW_TO_CREATE = [
  "Create one and keep it outside the database, e.g.:",
  "  cognate secret generate --out /etc/cognate/server-secret.key     (or: umask 077; openssl rand -base64 32 > /etc/cognate/server-secret.key)",
  "and start every node with --server-secret-file /etc/cognate/server-secret.key (COGNATE_SERVER_SECRET_FILE),",
  "or set COGNATE_SERVER_SECRET to its contents. See docs/secrets.md.",
].join("\n");

function flag(db: string): string {
  return /\s/.test(db) ? `--db '${db}'` : `--db ${db}`;
}

async function metaGet(db: Kysely<DB> | Transaction<DB>, key: string): Promise<string | undefined> {
  const r = await db.selectFrom("meta").select("value").where("key", "=", key).executeTakeFirst();
  return r?.value;
}

/** Whether `secret` opens one sealed value of each kind the database holds (true if none). */
async function opensSealedValues(db: Kysely<DB> | Transaction<DB>, secret: Buffer): Promise<boolean> {
  const box = new SecretBox(secret);
  const client = await db
    .selectFrom("user_pool_clients")
    .select("secret")
    .where("secret", "is not", null)
    .limit(1)
    .executeTakeFirst();
  const key = await db.selectFrom("access_keys").select("secret").limit(1).executeTakeFirst();
  for (const sealed of [client?.secret, key?.secret]) {
    if (sealed === null || sealed === undefined) continue;
    try {
      box.open(sealed);
    } catch {
      return false;
    }
  }
  const signing = await db
    .selectFrom("signing_keys")
    .select(["pool_id", "kid", "private_key"])
    .limit(1)
    .executeTakeFirst();
  if (signing) {
    try {
      box.open(signing.private_key, signingKeyContext(signing.pool_id, signing.kid));
    } catch {
      return false;
    }
  }
  return true;
}

// ---- Data keys ----
//
// Keys that seal what the server hands out and must read back for a long time (refresh
// tokens live up to ten years) are random keys of their own, kept in `meta` sealed under the
// server secret, rather than keys derived from the secret: rotating the secret re-seals them
// (resealAll) and every token issued before keeps working.

const DATA_KEY_PREFIX = "data_key:";
const dataKeyContext = (name: string) => `cognate:data-key:v1:${name}`;

/**
 * The data key `name` (32 bytes), made on first use. Of nodes racing to make it, the first
 * insert wins and every node reads that one back.
 */
export async function settleDataKey(db: Kysely<DB>, secret: Buffer, name: string): Promise<Buffer> {
  const box = new SecretBox(secret);
  const key = `${DATA_KEY_PREFIX}${name}`;
  let sealed = await metaGet(db, key);
  if (sealed === undefined) {
    await db
      .insertInto("meta")
      .values({ key, value: box.seal(randomBytes(32).toString("base64"), dataKeyContext(name)) })
      .onConflict((oc) => oc.doNothing())
      .execute();
    sealed = await metaGet(db, key);
    if (sealed === undefined) throw new ServerSecretError(`the data key ${name} could not be stored`);
  }
  return Buffer.from(box.open(sealed, dataKeyContext(name)), "base64");
}

function mismatch(db: string, source: string, stored: string, actual: string): ServerSecretError {
  return new ServerSecretError(
    [
      `the server secret from ${source} is not the one this database was sealed with`,
      `(fingerprint ${actual}; the database expects ${stored}). Starting anyway would fail every`,
      "client secret and access key, and make pending codes stop matching. Give this node the",
      "database's secret (the same serverSecret / key file as the other nodes), or, to change",
      `the secret, re-seal the database under a new one: cognate secret rotate ${flag(db)} --new-secret-file NEW.key`,
      "(with the current secret configured). See docs/secrets.md.",
    ].join("\n"),
  );
}

/** Finds the secret, moves a legacy in-database one out, and checks it against the fingerprint. */
export async function settleServerSecret(db: Kysely<DB>, s: SecretSettings): Promise<SettledSecret> {
  const legacy = await metaGet(db, LEGACY_SECRET_KEY);
  const warnings: string[] = [];
  let text: string;
  let source: string;
  let devKeyFile: string | null = null;
  if (s.configured !== undefined && s.file !== undefined) {
    throw new ServerSecretError("set serverSecret or serverSecretFile, not both");
  }
  if (s.configured !== undefined) {
    text = s.configured;
    source = "the configuration (serverSecret / COGNATE_SERVER_SECRET)";
  } else if (s.file !== undefined && existsSync(s.file)) {
    text = readKeyFile(s.file);
    source = `the key file ${s.file}`;
  } else if (s.mode === "production") {
    if (s.file !== undefined) {
      throw new ServerSecretError(`the server secret file ${s.file} does not exist.\n${HOW_TO_CREATE}`);
    }
    if (legacy !== undefined) {
      throw new ServerSecretError(
        [
          "production mode keeps the server secret outside the database, but this database still holds",
          "the one an earlier version generated (in its meta table). Move it out into a key file:",
          `  cognate secret export ${flag(s.db)} --out /etc/cognate/server-secret.key`,
          "then start every node with --server-secret-file /etc/cognate/server-secret.key. See docs/secrets.md.",
        ].join("\n"),
      );
    }
    throw new ServerSecretError(`production mode needs a server secret.\n${HOW_TO_CREATE}`);
  } else {
    const file = s.file ?? s.defaultFile;
    if (file === null) {
      text = legacy ?? newSecretText();
      source = "memory (a :memory: database)";
    } else if (existsSync(file)) {
      text = readKeyFile(file);
      source = `the key file ${file}`;
      devKeyFile = s.file === undefined ? file : null;
    } else {
      // A database an earlier version made keeps its secret, now outside it.
      text = createKeyFile(file, legacy ?? newSecretText());
      source = `the key file ${file}`;
      devKeyFile = s.file === undefined ? file : null;
    }
  }
  const secret = decodeSecret(text, source);
  if (source.startsWith("the key file ")) {
    const file = source.slice("the key file ".length);
    if (readableByOthers(file))
      warnings.push(`the server secret file ${file} is readable by others: chmod 600 it`);
  }
  if (legacy !== undefined && s.configured === undefined && s.file === undefined) {
    if (!decodeSecret(legacy, "the database").equals(secret)) {
      throw new ServerSecretError(
        [
          `this database holds the server secret an earlier version generated, and ${source} holds another.`,
          "The database's own secret is the one its data was sealed with: move the key file aside and start",
          "again (it is then written from the database), or export it with `cognate secret export`.",
        ].join("\n"),
      );
    }
  }

  await db.transaction().execute(async (trx) => {
    const actual = fingerprint(secret);
    let stored = await metaGet(trx, FINGERPRINT_KEY);
    if (stored === undefined) {
      // First start with fingerprints: what is sealed already must open with this secret.
      if (!(await opensSealedValues(trx, secret))) throw mismatch(s.db, source, "(none recorded)", actual);
      await trx
        .insertInto("meta")
        .values({ key: FINGERPRINT_KEY, value: actual })
        .onConflict((oc) => oc.doNothing())
        .execute();
      stored = (await metaGet(trx, FINGERPRINT_KEY)) ?? actual;
    }
    if (stored !== actual) throw mismatch(s.db, source, stored, actual);
    // The secret now lives outside the database (or is configured): forget the copy inside.
    if (legacy !== undefined) await trx.deleteFrom("meta").where("key", "=", LEGACY_SECRET_KEY).execute();
  });
  return { secret, source, devKeyFile, warnings };
}

/**
 * `cognate secret export`: writes the in-database secret of an earlier version to a new key
 * file (0600) and removes it from the database. Returns false when there is none.
 */
export async function exportLegacySecret(db: Kysely<DB>, out: string): Promise<boolean> {
  const legacy = await metaGet(db, LEGACY_SECRET_KEY);
  if (legacy === undefined) return false;
  const secret = decodeSecret(legacy, "the database");
  if (existsSync(out)) throw new ServerSecretError(`${out} exists already; choose a new file`);
  const written = createKeyFile(out, legacy);
  if (written !== legacy) throw new ServerSecretError(`${out} was written by someone else meanwhile`);
  await db.transaction().execute(async (trx) => {
    const stored = await metaGet(trx, FINGERPRINT_KEY);
    if (stored !== undefined && stored !== fingerprint(secret)) {
      throw new ServerSecretError(
        "the database's fingerprint does not match its own secret; nothing removed",
      );
    }
    await trx
      .insertInto("meta")
      .values({ key: FINGERPRINT_KEY, value: fingerprint(secret) })
      .onConflict((oc) => oc.doNothing())
      .execute();
    await trx.deleteFrom("meta").where("key", "=", LEGACY_SECRET_KEY).execute();
  });
  return true;
}

export interface ResealReport {
  clientSecrets: number;
  accessKeys: number;
  /** Token signing keys (their private halves). */
  signingKeys: number;
  /** Codes issued and not yet used or expired: they cannot be re-keyed (docs/secrets.md). */
  pendingCodes: number;
}

/**
 * `cognate secret rotate`: re-seals every sealed value under `next` and records its
 * fingerprint, in one transaction. Code HMACs cannot be re-keyed (the codes are not kept).
 */
export async function resealAll(
  db: Kysely<DB>,
  current: Buffer,
  next: Buffer,
  now: number,
): Promise<ResealReport> {
  const from = new SecretBox(current);
  const to = new SecretBox(next);
  return db.transaction().execute(async (trx) => {
    const stored = await metaGet(trx, FINGERPRINT_KEY);
    if (stored !== fingerprint(current)) {
      throw new ServerSecretError(
        "the current secret does not match the database's fingerprint; nothing changed",
      );
    }
    const clients = await trx
      .selectFrom("user_pool_clients")
      .select(["client_id", "secret"])
      .where("secret", "is not", null)
      .execute();
    for (const c of clients) {
      if (c.secret === null) continue;
      await trx
        .updateTable("user_pool_clients")
        .set({ secret: to.seal(from.open(c.secret)) })
        .where("client_id", "=", c.client_id)
        .execute();
    }
    const keys = await trx.selectFrom("access_keys").select(["access_key_id", "secret"]).execute();
    for (const k of keys) {
      await trx
        .updateTable("access_keys")
        .set({ secret: to.seal(from.open(k.secret)) })
        .where("access_key_id", "=", k.access_key_id)
        .execute();
    }
    const signing = await trx.selectFrom("signing_keys").select(["pool_id", "kid", "private_key"]).execute();
    for (const k of signing) {
      const context = signingKeyContext(k.pool_id, k.kid);
      await trx
        .updateTable("signing_keys")
        .set({ private_key: to.seal(from.open(k.private_key, context), context) })
        .where("pool_id", "=", k.pool_id)
        .where("kid", "=", k.kid)
        .execute();
    }
    const dataKeys = await trx
      .selectFrom("meta")
      .select(["key", "value"])
      .where("key", "like", `${DATA_KEY_PREFIX}%`)
      .execute();
    for (const d of dataKeys) {
      const context = dataKeyContext(d.key.slice(DATA_KEY_PREFIX.length));
      await trx
        .updateTable("meta")
        .set({ value: to.seal(from.open(d.value, context), context) })
        .where("key", "=", d.key)
        .execute();
    }
    await trx
      .updateTable("meta")
      .set({ value: fingerprint(next) })
      .where("key", "=", FINGERPRINT_KEY)
      .execute();
    const pending = await trx
      .selectFrom("codes")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("consumed_at", "is", null)
      .where("expires_at", ">", now)
      .executeTakeFirst();
    return {
      clientSecrets: clients.length,
      accessKeys: keys.length,
      signingKeys: signing.length,
      pendingCodes: Number(pending?.n ?? 0),
    };
  });
}
