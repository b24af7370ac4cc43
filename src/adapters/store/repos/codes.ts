// SQL of the one-time codes aggregate.
//
// `codes.previous` holds the superseded HMACs newest first as comma-separated text — one
// encoding, written by every path (`put`, `putMany`, `supersede`) — so that a single portable
// UPDATE can prepend one (`supersede`). Rows written before migration 0004 may hold a JSON
// array, or (PostgreSQL bulk imports, then a supersede) a mix of both; HMACs are base64url,
// so brackets, quotes and commas are never part of one, and `decodePrevious` reads all three.
import { type ExpressionBuilder, type OnConflictDatabase, type OnConflictTables, sql } from "kysely";
import { asUsername, type Username } from "../../../domain/usernames.js";
import type { CodePurpose, CodeRecord, CodeRepo } from "../../../ports/store/index.js";
import { prepared, type Target } from "../prepared.js";
import type { DB } from "../schema.js";
import { BULK_ROWS, changed, num, numOrNull } from "./rows.js";

export function encodePrevious(previous: readonly string[]): string {
  return previous.join(",");
}

export function decodePrevious(text: string): string[] {
  return text
    .replace(/[[\]"\s]/g, "")
    .split(",")
    .filter((h) => h !== "");
}

/** HMACs are 43 characters: 1,023 characters keep the newest 23 superseded codes. */
const PREVIOUS_MAX_CHARS = 1023;

function codeValues(c: CodeRecord) {
  return [
    c.poolId,
    c.username,
    c.purpose,
    c.codeHmac,
    encodePrevious(c.previous),
    c.attributeName,
    c.issuedAt,
    c.expiresAt,
    c.failedAttempts,
    c.consumedAt,
  ] as const;
}

type CodeColumns = ReturnType<typeof codeValues>;

function codeRow(v: CodeColumns) {
  const [
    pool_id,
    username,
    purpose,
    code_hmac,
    previous,
    attribute_name,
    issued_at,
    expires_at,
    failed_attempts,
    consumed_at,
  ] = v;
  return {
    pool_id,
    username,
    purpose,
    code_hmac,
    previous,
    attribute_name,
    issued_at,
    expires_at,
    failed_attempts,
    consumed_at,
  };
}

/** The one INSERT of a codes row; variants add their conflict handling. */
function insertCode(db: Target["db"], v: CodeColumns) {
  return db.insertInto("codes").values(codeRow(v));
}

/** What replacing a code overwrites (all but the key and `previous`). */
function replacedCodeColumns(
  eb: ExpressionBuilder<OnConflictDatabase<DB, "codes">, OnConflictTables<"codes">>,
) {
  return {
    code_hmac: eb.ref("excluded.code_hmac"),
    attribute_name: eb.ref("excluded.attribute_name"),
    issued_at: eb.ref("excluded.issued_at"),
    expires_at: eb.ref("excluded.expires_at"),
    failed_attempts: eb.ref("excluded.failed_attempts"),
    consumed_at: eb.ref("excluded.consumed_at"),
  };
}

const codePut = prepared(10, (db, _e, ...v: CodeColumns) =>
  insertCode(db, v).onConflict((oc) =>
    oc.columns(["pool_id", "username", "purpose"]).doUpdateSet((eb) => ({
      ...replacedCodeColumns(eb),
      previous: eb.ref("excluded.previous"),
    })),
  ),
);
// As codePut, but the replaced code's HMAC is prepended to `previous` in the same statement.
const codeSupersede = prepared(10, (db, _e, ...v: CodeColumns) =>
  insertCode(db, v).onConflict((oc) =>
    oc.columns(["pool_id", "username", "purpose"]).doUpdateSet((eb) => ({
      ...replacedCodeColumns(eb),
      previous: sql<string>`CASE WHEN codes.previous = '' OR codes.previous = '[]' THEN codes.code_hmac ELSE substr(codes.code_hmac || ',' || codes.previous, 1, ${sql.lit(PREVIOUS_MAX_CHARS)}) END`,
    })),
  ),
);
const codeInsertStrict = prepared(10, (db, _e, ...v: CodeColumns) => insertCode(db, v));
const codeGet = prepared(3, (db, _e, poolId: string, username: string, purpose: string) =>
  db
    .selectFrom("codes")
    .selectAll()
    .where("pool_id", "=", poolId)
    .where("username", "=", username)
    .where("purpose", "=", purpose),
);
const codeFail = prepared(4, (db, _e, poolId: string, username: string, purpose: string, maxFailed: number) =>
  db
    .updateTable("codes")
    .set({ failed_attempts: sql<number>`failed_attempts + 1` })
    .where("pool_id", "=", poolId)
    .where("username", "=", username)
    .where("purpose", "=", purpose)
    .where("failed_attempts", "<", maxFailed)
    .returning("failed_attempts"),
);
const codeConsume = prepared(
  6,
  (
    db,
    _e,
    now: number,
    poolId: string,
    username: string,
    purpose: string,
    codeHmac: string,
    notAfter: number,
  ) =>
    db
      .updateTable("codes")
      .set({ consumed_at: now })
      .where("pool_id", "=", poolId)
      .where("username", "=", username)
      .where("purpose", "=", purpose)
      .where("code_hmac", "=", codeHmac)
      .where("consumed_at", "is", null)
      .where("expires_at", ">", notAfter),
);
const codeDelete = prepared(3, (db, _e, poolId: string, username: string, purpose: string) =>
  db
    .deleteFrom("codes")
    .where("pool_id", "=", poolId)
    .where("username", "=", username)
    .where("purpose", "=", purpose),
);

export class SqlCodes implements CodeRepo {
  readonly #t: Target;
  constructor(t: Target) {
    this.#t = t;
  }

  async get(poolId: string, username: Username, purpose: CodePurpose): Promise<CodeRecord | undefined> {
    const r = await codeGet.first(this.#t, poolId, username, purpose);
    if (!r) return undefined;
    return {
      poolId: r.pool_id,
      username: asUsername(r.username),
      purpose: r.purpose as CodePurpose,
      codeHmac: r.code_hmac,
      previous: decodePrevious(r.previous),
      attributeName: r.attribute_name,
      issuedAt: num(r.issued_at),
      expiresAt: num(r.expires_at),
      failedAttempts: num(r.failed_attempts),
      consumedAt: numOrNull(r.consumed_at),
    };
  }

  async put(c: CodeRecord): Promise<void> {
    await codePut.run(this.#t, ...codeValues(c));
  }

  async supersede(c: CodeRecord): Promise<void> {
    await codeSupersede.run(this.#t, ...codeValues({ ...c, previous: [] }));
  }

  async putMany(codes: readonly CodeRecord[]): Promise<void> {
    if (this.#t.direct) {
      for (const c of codes) await codeInsertStrict.run(this.#t, ...codeValues(c));
      return;
    }
    for (let i = 0; i < codes.length; i += BULK_ROWS) {
      const rows = codes.slice(i, i + BULK_ROWS).map((c) => codeRow(codeValues(c)));
      await this.#t.db.insertInto("codes").values(rows).execute();
    }
  }

  async addFailedAttempt(
    poolId: string,
    username: Username,
    purpose: CodePurpose,
    maxFailed: number,
  ): Promise<number | null> {
    const r = await codeFail.first(this.#t, poolId, username, purpose, maxFailed);
    return r ? num(r.failed_attempts) : null;
  }

  async consume(
    poolId: string,
    username: Username,
    purpose: CodePurpose,
    codeHmac: string,
    now: number,
  ): Promise<boolean> {
    return changed(await codeConsume.run(this.#t, now, poolId, username, purpose, codeHmac, now));
  }

  async delete(poolId: string, username: Username, purpose: CodePurpose): Promise<void> {
    await codeDelete.run(this.#t, poolId, username, purpose);
  }
}
