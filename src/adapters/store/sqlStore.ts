// The one SQL implementation of the store port, for every engine Kysely speaks to us in
// (SQLite and PostgreSQL). Engine differences are confined to `forUpdate` (row locks) and
// `skipLocked` (outbox claims), which SQLite does not need: its writers are serialised.
import {
  type ExpressionBuilder,
  type Kysely,
  type OnConflictDatabase,
  type OnConflictTables,
  type Selectable,
  sql,
} from "kysely";
import type { PoolConfig } from "../../domain/pool.js";
import type {
  AccessKeyRecord,
  AccessKeyRepo,
  AliasKind,
  AliasRecord,
  AliasRepo,
  AuthEventRecord,
  AuthEventRepo,
  ClientRecord,
  ClientRepo,
  CodePurpose,
  CodeRecord,
  CodeRepo,
  LimitRepo,
  LimitResult,
  MessageFilter,
  MessageStatus,
  MetaRepo,
  OutboxMessage,
  OutboxRepo,
  PoolRecord,
  PoolRepo,
  Store,
  StoreTx,
  UserRecord,
  UserRepo,
  UserStatus,
} from "../../ports/store.js";
import { type Direct, prepared, type Target } from "./prepared.js";
import type { DB, Engine, OutboxTable, UsersTable } from "./schema.js";
import type { SecretBox } from "./secretBox.js";

const num = (v: unknown): number => (typeof v === "number" ? v : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));

function toUser(r: Selectable<UsersTable>): UserRecord {
  return {
    poolId: r.pool_id,
    username: r.username,
    sub: r.sub,
    status: r.status as UserStatus,
    enabled: num(r.enabled) === 1,
    attributes: JSON.parse(r.attributes) as Record<string, string>,
    passwordHash: r.password_hash,
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  };
}

function toMessage(r: Selectable<OutboxTable>): OutboxMessage {
  return {
    id: r.id,
    poolId: r.pool_id,
    clientId: r.client_id,
    username: r.username,
    medium: r.medium as "EMAIL" | "SMS",
    attributeName: r.attribute_name,
    destination: r.destination,
    subject: r.subject,
    body: r.body,
    code: r.code,
    triggerSource: r.trigger_source,
    createdAt: num(r.created_at),
    status: r.status as MessageStatus,
    transport: r.transport,
    attempts: num(r.attempts),
    lastError: r.last_error,
    nextAttemptAt: num(r.next_attempt_at),
    sentAt: numOrNull(r.sent_at),
  };
}

/** Column values of a users row, in the order Q.userInsert binds them. */
function userValues(u: UserRecord, usernameKey: string) {
  return [
    u.poolId,
    u.username,
    usernameKey,
    u.sub,
    u.status,
    u.enabled ? 1 : 0,
    JSON.stringify(u.attributes),
    u.passwordHash,
    u.createdAt,
    u.updatedAt,
  ] as const;
}

/**
 * `codes.previous` holds superseded HMACs newest first, comma-separated, so that a single
 * portable UPDATE can prepend one (`supersede`). Older rows hold a JSON array.
 */
function parsePrevious(text: string): string[] {
  if (text.startsWith("[")) return JSON.parse(text) as string[];
  return text === "" ? [] : text.split(",");
}

/** HMACs are 43 characters: 1,023 characters keep the newest 23 superseded codes. */
const PREVIOUS_MAX_CHARS = 1023;

function codeValues(c: CodeRecord) {
  return [
    c.poolId,
    c.username,
    c.purpose,
    c.codeHmac,
    c.previous.join(","),
    c.attributeName,
    c.issuedAt,
    c.expiresAt,
    c.failedAttempts,
    c.consumedAt,
  ] as const;
}

type UserColumns = ReturnType<typeof userValues>;
type CodeColumns = ReturnType<typeof codeValues>;

/** The one INSERT of a users row; variants add their conflict handling. */
function insertUser(db: Target["db"], v: UserColumns) {
  const [
    pool_id,
    username,
    username_key,
    sub,
    status,
    enabled,
    attributes,
    password_hash,
    created_at,
    updated_at,
  ] = v;
  return db.insertInto("users").values({
    pool_id,
    username,
    username_key,
    sub,
    status,
    enabled,
    attributes,
    password_hash,
    created_at,
    updated_at,
  });
}

/** The one INSERT of a codes row; variants add their conflict handling. */
function insertCode(db: Target["db"], v: CodeColumns) {
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
  return db.insertInto("codes").values({
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
  });
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

// The request path's queries, built once per engine (see prepared.ts).
const Q = {
  poolById: prepared(1, (db, _e, id: string) => db.selectFrom("user_pools").selectAll().where("id", "=", id)),
  clientById: prepared(1, (db, _e, id: string) =>
    db.selectFrom("user_pool_clients").selectAll().where("client_id", "=", id),
  ),
  userInsert: prepared(10, (db, _e, ...v: UserColumns) =>
    insertUser(db, v).onConflict((oc) => oc.doNothing()),
  ),
  userInsertStrict: prepared(10, (db, _e, ...v: UserColumns) => insertUser(db, v)),
  codePut: prepared(10, (db, _e, ...v: CodeColumns) =>
    insertCode(db, v).onConflict((oc) =>
      oc.columns(["pool_id", "username", "purpose"]).doUpdateSet((eb) => ({
        ...replacedCodeColumns(eb),
        previous: eb.ref("excluded.previous"),
      })),
    ),
  ),
  // As codePut, but the replaced code's HMAC is prepended to `previous` in the same statement.
  codeSupersede: prepared(10, (db, _e, ...v: CodeColumns) =>
    insertCode(db, v).onConflict((oc) =>
      oc.columns(["pool_id", "username", "purpose"]).doUpdateSet((eb) => ({
        ...replacedCodeColumns(eb),
        previous: sql<string>`CASE WHEN codes.previous = '' OR codes.previous = '[]' THEN codes.code_hmac ELSE substr(codes.code_hmac || ',' || codes.previous, 1, ${sql.lit(PREVIOUS_MAX_CHARS)}) END`,
      })),
    ),
  ),
  codeInsertStrict: prepared(10, (db, _e, ...v: CodeColumns) => insertCode(db, v)),
  userByKey: prepared(2, (db, _e, poolId: string, key: string) =>
    db.selectFrom("users").selectAll().where("pool_id", "=", poolId).where("username_key", "=", key),
  ),
  userBySub: prepared(2, (db, _e, poolId: string, sub: string) =>
    db.selectFrom("users").selectAll().where("pool_id", "=", poolId).where("sub", "=", sub),
  ),
  // Row lock where the engine has them; SQLite's writers are serialised already.
  userForUpdate: prepared(2, (db, engine, poolId: string, username: string) => {
    const q = db
      .selectFrom("users")
      .selectAll()
      .where("pool_id", "=", poolId)
      .where("username", "=", username);
    return engine === "postgres" ? q.forUpdate() : q;
  }),
  userUpdate: prepared(
    7,
    (
      db,
      _e,
      status: string,
      enabled: number,
      attributes: string,
      password_hash: string | null,
      updated_at: number,
      poolId: string,
      username: string,
    ) =>
      db
        .updateTable("users")
        .set({ status, enabled, attributes, password_hash, updated_at })
        .where("pool_id", "=", poolId)
        .where("username", "=", username),
  ),
  aliasFind: prepared(3, (db, _e, poolId: string, kind: string, valueKey: string) =>
    db
      .selectFrom("aliases")
      .selectAll()
      .where("pool_id", "=", poolId)
      .where("kind", "=", kind)
      .where("value_key", "=", valueKey),
  ),
  aliasClaim: prepared(4, (db, _e, pool_id: string, kind: string, value_key: string, username: string) =>
    db
      .insertInto("aliases")
      .values({ pool_id, kind, value_key, username })
      .onConflict((oc) => oc.doNothing()),
  ),
  codeGet: prepared(3, (db, _e, poolId: string, username: string, purpose: string) =>
    db
      .selectFrom("codes")
      .selectAll()
      .where("pool_id", "=", poolId)
      .where("username", "=", username)
      .where("purpose", "=", purpose),
  ),
  codeFail: prepared(4, (db, _e, poolId: string, username: string, purpose: string, maxFailed: number) =>
    db
      .updateTable("codes")
      .set({ failed_attempts: sql<number>`failed_attempts + 1` })
      .where("pool_id", "=", poolId)
      .where("username", "=", username)
      .where("purpose", "=", purpose)
      .where("failed_attempts", "<", maxFailed)
      .returning("failed_attempts"),
  ),
  codeConsume: prepared(
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
  ),
  codeDelete: prepared(3, (db, _e, poolId: string, username: string, purpose: string) =>
    db
      .deleteFrom("codes")
      .where("pool_id", "=", poolId)
      .where("username", "=", username)
      .where("purpose", "=", purpose),
  ),
  limitPeek: prepared(1, (db, _e, key: string) => db.selectFrom("limits").selectAll().where("key", "=", key)),
  // One statement: start a window, count within it, or refuse without counting.
  limitHit: prepared(4, (db, _e, key: string, end: number, now: number, max: number) =>
    db
      .insertInto("limits")
      .values({ key, window_end: end, count: 1 })
      .onConflict((oc) =>
        oc
          .column("key")
          .doUpdateSet({
            count: sql<number>`CASE WHEN limits.window_end <= ${now} THEN 1 ELSE limits.count + 1 END`,
            window_end: sql<number>`CASE WHEN limits.window_end <= ${now} THEN ${end} ELSE limits.window_end END`,
          })
          .where((eb) => eb.or([eb("limits.window_end", "<=", now), eb("limits.count", "<", max)])),
      )
      .returning(["count", "window_end"]),
  ),
  outboxInsert: prepared(
    18,
    (
      db,
      _e,
      id: string,
      pool_id: string,
      client_id: string | null,
      username: string,
      medium: string,
      attribute_name: string,
      destination: string,
      subject: string | null,
      body: string,
      code: string | null,
      trigger_source: string,
      created_at: number,
      status: string,
      transport: string,
      attempts: number,
      last_error: string | null,
      next_attempt_at: number,
      sent_at: number | null,
    ) =>
      db.insertInto("outbox").values({
        id,
        pool_id,
        client_id,
        username,
        medium,
        attribute_name,
        destination,
        subject,
        body,
        code,
        trigger_source,
        created_at,
        status,
        transport,
        attempts,
        last_error,
        next_attempt_at,
        sent_at,
        claimed_by: null,
        claimed_until: null,
      }),
  ),
  eventInsert: prepared(
    10,
    (
      db,
      _e,
      id: string,
      pool_id: string,
      username: string,
      client_id: string | null,
      event_type: string,
      created_at: number,
      ip_address: string | null,
      encoded_data: string | null,
      analytics_endpoint_id: string | null,
      user_agent: string | null,
    ) =>
      db.insertInto("auth_events").values({
        id,
        pool_id,
        username,
        client_id,
        event_type,
        created_at,
        ip_address,
        encoded_data,
        analytics_endpoint_id,
        user_agent,
      }),
  ),
};
class Repos implements StoreTx {
  readonly pools: PoolRepo;
  readonly clients: ClientRepo;
  readonly users: UserRepo;
  readonly aliases: AliasRepo;
  readonly codes: CodeRepo;
  readonly limits: LimitRepo;
  readonly outbox: OutboxRepo;
  readonly events: AuthEventRepo;
  readonly meta: MetaRepo;
  readonly accessKeys: AccessKeyRepo;

  constructor(t: Target, box: SecretBox) {
    const db = t.db;
    const engine = t.engine;
    const pg = engine === "postgres";

    this.pools = {
      async create(p: PoolRecord) {
        await db
          .insertInto("user_pools")
          .values({
            id: p.id,
            name: p.name,
            config: JSON.stringify(p.config),
            creation_date: p.creationDate,
            last_modified_date: p.lastModifiedDate,
          })
          .execute();
      },
      async get(id: string) {
        const r = await Q.poolById.first(t, id);
        return r && toPool(r);
      },
      async update(p: PoolRecord) {
        await db
          .updateTable("user_pools")
          .set({ name: p.name, config: JSON.stringify(p.config), last_modified_date: p.lastModifiedDate })
          .where("id", "=", p.id)
          .execute();
      },
      async delete(id: string) {
        // Rows without a foreign key to the pool go explicitly; the rest cascade.
        await db.deleteFrom("auth_events").where("pool_id", "=", id).execute();
        // Limit keys start with "<pool id>|". Not LIKE: `_` (in every pool id) is a LIKE
        // wildcard and SQLite's LIKE ignores case, so another pool's counters could match.
        const prefix = `${id}|`;
        await db
          .deleteFrom("limits")
          .where(sql<boolean>`substr(key, 1, ${[...prefix].length}) = ${prefix}`)
          .execute();
        const r = await db.deleteFrom("user_pools").where("id", "=", id).executeTakeFirst();
        return r.numDeletedRows > 0n;
      },
      async list(limit: number, after: string | null) {
        let q = db.selectFrom("user_pools").selectAll().orderBy("id").limit(limit);
        if (after !== null) q = q.where("id", ">", after);
        return (await q.execute()).map(toPool);
      },
      async countUsers(id: string) {
        const r = await db
          .selectFrom("users")
          .select((eb) => eb.fn.countAll().as("n"))
          .where("pool_id", "=", id)
          .executeTakeFirst();
        return num(r?.n ?? 0);
      },
    };

    const toClient = (r: Selectable<DB["user_pool_clients"]>): ClientRecord => ({
      clientId: r.client_id,
      poolId: r.pool_id,
      clientName: r.client_name,
      secret: r.secret === null ? null : box.open(r.secret),
      config: JSON.parse(r.config) as Record<string, unknown>,
      creationDate: num(r.creation_date),
      lastModifiedDate: num(r.last_modified_date),
    });

    this.clients = {
      async create(c: ClientRecord) {
        await db
          .insertInto("user_pool_clients")
          .values({
            client_id: c.clientId,
            pool_id: c.poolId,
            client_name: c.clientName,
            secret: c.secret === null ? null : box.seal(c.secret),
            config: JSON.stringify(c.config),
            creation_date: c.creationDate,
            last_modified_date: c.lastModifiedDate,
          })
          .execute();
      },
      async get(clientId: string) {
        const r = await Q.clientById.first(t, clientId);
        return r && toClient(r);
      },
      async update(c: ClientRecord) {
        await db
          .updateTable("user_pool_clients")
          .set({
            client_name: c.clientName,
            secret: c.secret === null ? null : box.seal(c.secret),
            config: JSON.stringify(c.config),
            last_modified_date: c.lastModifiedDate,
          })
          .where("client_id", "=", c.clientId)
          .where("pool_id", "=", c.poolId)
          .execute();
      },
      async delete(poolId: string, clientId: string) {
        const r = await db
          .deleteFrom("user_pool_clients")
          .where("pool_id", "=", poolId)
          .where("client_id", "=", clientId)
          .executeTakeFirst();
        return r.numDeletedRows > 0n;
      },
      async list(poolId: string, limit: number, after: string | null) {
        let q = db
          .selectFrom("user_pool_clients")
          .selectAll()
          .where("pool_id", "=", poolId)
          .orderBy("client_id")
          .limit(limit);
        if (after !== null) q = q.where("client_id", ">", after);
        return (await q.execute()).map(toClient);
      },
    };

    const userRow = (u: UserRecord, usernameKey: string) => ({
      pool_id: u.poolId,
      username: u.username,
      username_key: usernameKey,
      sub: u.sub,
      status: u.status,
      enabled: u.enabled ? 1 : 0,
      attributes: JSON.stringify(u.attributes),
      password_hash: u.passwordHash,
      created_at: u.createdAt,
      updated_at: u.updatedAt,
    });

    this.users = {
      async createIfAbsent(u: UserRecord, usernameKey: string) {
        const r = await Q.userInsert.run(t, ...userValues(u, usernameKey));
        return (r.numAffectedRows ?? 0n) > 0n;
      },
      async insertMany(users) {
        // In-process SQLite: one prepared statement per row beats building big statements.
        if (t.direct) {
          for (const x of users) await Q.userInsertStrict.run(t, ...userValues(x.user, x.usernameKey));
          return;
        }
        // A server round trip per statement: 500 rows (5,000 parameters) at a time.
        for (let i = 0; i < users.length; i += BULK_ROWS) {
          const rows = users.slice(i, i + BULK_ROWS).map((x) => userRow(x.user, x.usernameKey));
          await db.insertInto("users").values(rows).execute();
        }
      },
      async get(poolId: string, usernameKey: string) {
        const r = await Q.userByKey.first(t, poolId, usernameKey);
        return r && toUser(r);
      },
      async getBySub(poolId: string, sub: string) {
        const r = await Q.userBySub.first(t, poolId, sub);
        return r && toUser(r);
      },
      async getForUpdate(poolId: string, username: string) {
        const r = await Q.userForUpdate.first(t, poolId, username);
        return r && toUser(r);
      },
      async update(u: UserRecord) {
        await Q.userUpdate.run(
          t,
          u.status,
          u.enabled ? 1 : 0,
          JSON.stringify(u.attributes),
          u.passwordHash,
          u.updatedAt,
          u.poolId,
          u.username,
        );
      },
      async delete(poolId: string, username: string) {
        const r = await db
          .deleteFrom("users")
          .where("pool_id", "=", poolId)
          .where("username", "=", username)
          .executeTakeFirst();
        return r.numDeletedRows > 0n;
      },
      async list(poolId: string, limit: number, after: string | null) {
        let q = db
          .selectFrom("users")
          .selectAll()
          .where("pool_id", "=", poolId)
          .orderBy("username")
          .limit(limit);
        if (after !== null) q = q.where("username", ">", after);
        return (await q.execute()).map(toUser);
      },
    };

    this.aliases = {
      async find(poolId: string, kind: AliasKind, valueKey: string) {
        const r = await Q.aliasFind.first(t, poolId, kind, valueKey);
        return (
          r && { poolId: r.pool_id, kind: r.kind as AliasKind, valueKey: r.value_key, username: r.username }
        );
      },
      async claim(a: AliasRecord) {
        const r = await Q.aliasClaim.run(t, a.poolId, a.kind, a.valueKey, a.username);
        if ((r.numAffectedRows ?? 0n) > 0n) return true;
        const holder = await this.find(a.poolId, a.kind, a.valueKey);
        return holder?.username === a.username;
      },
      async transfer(a: AliasRecord) {
        const before = await this.find(a.poolId, a.kind, a.valueKey);
        await db
          .insertInto("aliases")
          .values({ pool_id: a.poolId, kind: a.kind, value_key: a.valueKey, username: a.username })
          .onConflict((oc) =>
            oc.columns(["pool_id", "kind", "value_key"]).doUpdateSet({ username: a.username }),
          )
          .execute();
        return before && before.username !== a.username ? before.username : null;
      },
      async release(poolId: string, kind: AliasKind, valueKey: string, username: string) {
        await db
          .deleteFrom("aliases")
          .where("pool_id", "=", poolId)
          .where("kind", "=", kind)
          .where("value_key", "=", valueKey)
          .where("username", "=", username)
          .execute();
      },
      async listForUser(poolId: string, username: string) {
        const rows = await db
          .selectFrom("aliases")
          .selectAll()
          .where("pool_id", "=", poolId)
          .where("username", "=", username)
          .execute();
        return rows.map((r) => ({
          poolId: r.pool_id,
          kind: r.kind as AliasKind,
          valueKey: r.value_key,
          username: r.username,
        }));
      },
    };

    this.codes = {
      async get(poolId: string, username: string, purpose: CodePurpose) {
        const r = await Q.codeGet.first(t, poolId, username, purpose);
        if (!r) return undefined;
        const code: CodeRecord = {
          poolId: r.pool_id,
          username: r.username,
          purpose: r.purpose as CodePurpose,
          codeHmac: r.code_hmac,
          previous: parsePrevious(r.previous),
          attributeName: r.attribute_name,
          issuedAt: num(r.issued_at),
          expiresAt: num(r.expires_at),
          failedAttempts: num(r.failed_attempts),
          consumedAt: numOrNull(r.consumed_at),
        };
        return code;
      },
      async put(c: CodeRecord) {
        await Q.codePut.run(t, ...codeValues(c));
      },
      async supersede(c: CodeRecord) {
        await Q.codeSupersede.run(t, ...codeValues({ ...c, previous: [] }));
      },
      async putMany(codes) {
        if (t.direct) {
          for (const c of codes) await Q.codeInsertStrict.run(t, ...codeValues(c));
          return;
        }
        for (let i = 0; i < codes.length; i += BULK_ROWS) {
          await db
            .insertInto("codes")
            .values(codes.slice(i, i + BULK_ROWS).map(codeRow))
            .execute();
        }
      },
      async addFailedAttempt(poolId: string, username: string, purpose: CodePurpose, maxFailed: number) {
        const r = await Q.codeFail.first(t, poolId, username, purpose, maxFailed);
        return r ? num(r.failed_attempts) : null;
      },
      async consume(poolId: string, username: string, purpose: CodePurpose, codeHmac: string, now: number) {
        const r = await Q.codeConsume.run(t, now, poolId, username, purpose, codeHmac, now);
        return (r.numAffectedRows ?? 0n) > 0n;
      },
      async delete(poolId: string, username: string, purpose: CodePurpose) {
        await Q.codeDelete.run(t, poolId, username, purpose);
      },
    };

    const peek = async (key: string, now: number): Promise<LimitResult | undefined> => {
      const r = await Q.limitPeek.first(t, key);
      if (!r || num(r.window_end) <= now) return undefined;
      return { allowed: true, count: num(r.count), resetAt: num(r.window_end) };
    };

    this.limits = {
      async hit(key: string, windowMs: number, max: number, now: number) {
        if (max <= 0) return { allowed: false, count: 0, resetAt: now + windowMs };
        const end = now + windowMs;
        const r = await Q.limitHit.first(t, key, end, now, max);
        if (r) return { allowed: true, count: num(r.count), resetAt: num(r.window_end) };
        const current = await peek(key, now);
        return { allowed: false, count: current?.count ?? max, resetAt: current?.resetAt ?? end };
      },
      peek,
      async prune(before: number) {
        const r = await db.deleteFrom("limits").where("window_end", "<", before).executeTakeFirst();
        return Number(r.numDeletedRows);
      },
    };

    this.outbox = {
      async enqueue(m: OutboxMessage) {
        await Q.outboxInsert.run(
          t,
          m.id,
          m.poolId,
          m.clientId,
          m.username,
          m.medium,
          m.attributeName,
          m.destination,
          m.subject,
          m.body,
          m.code,
          m.triggerSource,
          m.createdAt,
          m.status,
          m.transport,
          m.attempts,
          m.lastError,
          m.nextAttemptAt,
          m.sentAt,
        );
      },
      async list(f: MessageFilter) {
        let q = db
          .selectFrom("outbox")
          .selectAll()
          .orderBy("seq", f.order === "desc" ? "desc" : "asc");
        if (f.userPoolId !== undefined) q = q.where("pool_id", "=", f.userPoolId);
        if (f.username !== undefined) {
          const u = f.username;
          q = q.where((eb) => eb.or([eb("username", "=", u), eb("destination", "=", u)]));
        }
        if (f.destination !== undefined) q = q.where("destination", "=", f.destination);
        if (f.clientId !== undefined) q = q.where("client_id", "=", f.clientId);
        if (f.since !== undefined) q = q.where("created_at", ">=", f.since);
        if (f.status !== undefined) q = q.where("status", "=", f.status);
        if (f.limit !== undefined) q = q.limit(f.limit);
        return (await q.execute()).map(toMessage);
      },
      async get(id: string) {
        const r = await db.selectFrom("outbox").selectAll().where("id", "=", id).executeTakeFirst();
        return r && toMessage(r);
      },
      async prune(before: number) {
        const r = await db
          .deleteFrom("outbox")
          .where("status", "=", "sent")
          .where("sent_at", "<", before)
          .executeTakeFirst();
        return Number(r.numDeletedRows);
      },
      async clear() {
        const r = await db.deleteFrom("outbox").executeTakeFirst();
        return Number(r.numDeletedRows);
      },
      async claimDue(owner: string, now: number, leaseUntil: number, limit: number) {
        let due = db
          .selectFrom("outbox")
          .select("seq")
          .where("status", "=", "queued")
          .where("next_attempt_at", "<=", now)
          .where((eb) => eb.or([eb("claimed_until", "is", null), eb("claimed_until", "<", now)]))
          .orderBy("seq")
          .limit(limit);
        if (pg) due = due.forUpdate().skipLocked();
        const rows = await db
          .updateTable("outbox")
          .set({ claimed_by: owner, claimed_until: leaseUntil })
          .where("seq", "in", due)
          .returningAll()
          .execute();
        return rows.map(toMessage).sort((a, b) => a.createdAt - b.createdAt);
      },
      async settle(id, o) {
        await db
          .updateTable("outbox")
          .set({
            status: o.status,
            attempts: o.attempts,
            last_error: o.lastError,
            next_attempt_at: o.nextAttemptAt,
            sent_at: o.sentAt,
            transport: o.transport,
            claimed_by: null,
            claimed_until: null,
            ...(o.scrubBody ? { body: "", code: null } : {}),
          })
          .where("id", "=", id)
          .execute();
      },
    };

    this.events = {
      async add(e: AuthEventRecord) {
        await Q.eventInsert.run(
          t,
          e.id,
          e.poolId,
          e.username,
          e.clientId,
          e.eventType,
          e.createdAt,
          e.ipAddress,
          e.encodedData,
          e.analyticsEndpointId,
          e.userAgent,
        );
      },
      async listForUser(poolId: string, username: string, limit: number) {
        const rows = await db
          .selectFrom("auth_events")
          .selectAll()
          .where("pool_id", "=", poolId)
          .where("username", "=", username)
          .orderBy("created_at", "desc")
          .limit(limit)
          .execute();
        return rows.map((r) => ({
          id: r.id,
          poolId: r.pool_id,
          username: r.username,
          clientId: r.client_id,
          eventType: r.event_type,
          createdAt: num(r.created_at),
          ipAddress: r.ip_address,
          encodedData: r.encoded_data,
          analyticsEndpointId: r.analytics_endpoint_id,
          userAgent: r.user_agent,
        }));
      },
    };

    this.meta = {
      async get(key: string) {
        const r = await db.selectFrom("meta").select("value").where("key", "=", key).executeTakeFirst();
        return r?.value;
      },
      async setIfAbsent(key: string, value: string) {
        await db
          .insertInto("meta")
          .values({ key, value })
          .onConflict((oc) => oc.doNothing())
          .execute();
        const r = await db
          .selectFrom("meta")
          .select("value")
          .where("key", "=", key)
          .executeTakeFirstOrThrow();
        return r.value;
      },
    };

    const toAccessKey = (r: Selectable<DB["access_keys"]>): AccessKeyRecord => ({
      accessKeyId: r.access_key_id,
      secretAccessKey: box.open(r.secret),
      description: r.description,
      createdAt: num(r.created_at),
      revokedAt: numOrNull(r.revoked_at),
    });

    this.accessKeys = {
      async create(k: AccessKeyRecord) {
        await db
          .insertInto("access_keys")
          .values({
            access_key_id: k.accessKeyId,
            secret: box.seal(k.secretAccessKey),
            description: k.description,
            created_at: k.createdAt,
            revoked_at: k.revokedAt,
          })
          .execute();
      },
      async get(accessKeyId: string) {
        const r = await db
          .selectFrom("access_keys")
          .selectAll()
          .where("access_key_id", "=", accessKeyId)
          .executeTakeFirst();
        return r && toAccessKey(r);
      },
      async list() {
        const rows = await db
          .selectFrom("access_keys")
          .selectAll()
          .orderBy("created_at")
          .orderBy("access_key_id")
          .execute();
        return rows.map(toAccessKey);
      },
      async revoke(accessKeyId: string, now: number) {
        const r = await db
          .updateTable("access_keys")
          .set({ revoked_at: now })
          .where("access_key_id", "=", accessKeyId)
          .where("revoked_at", "is", null)
          .executeTakeFirst();
        return r.numUpdatedRows > 0n;
      },
    };
  }
}

const BULK_ROWS = 500;

function codeRow(c: CodeRecord) {
  return {
    pool_id: c.poolId,
    username: c.username,
    purpose: c.purpose,
    code_hmac: c.codeHmac,
    previous: JSON.stringify(c.previous),
    attribute_name: c.attributeName,
    issued_at: c.issuedAt,
    expires_at: c.expiresAt,
    failed_attempts: c.failedAttempts,
    consumed_at: c.consumedAt,
  };
}

function toPool(r: Selectable<DB["user_pools"]>): PoolRecord {
  return {
    id: r.id,
    name: r.name,
    config: JSON.parse(r.config) as PoolConfig,
    creationDate: num(r.creation_date),
    lastModifiedDate: num(r.last_modified_date),
  };
}

export class SqlStore implements Store {
  readonly read: StoreTx;
  readonly dialect: Engine;
  readonly #writer: Kysely<DB>;
  readonly #writerDirect: Direct | null;
  readonly #box: SecretBox;
  readonly #onClose: () => Promise<void>;

  constructor(opts: {
    engine: Engine;
    writer: Kysely<DB>;
    reader: Kysely<DB>;
    /** SQLite: run prepared SQL on the writer connection a transaction holds, or the reader. */
    writerDirect?: Direct | null;
    readerDirect?: Direct | null;
    box: SecretBox;
    onClose: () => Promise<void>;
  }) {
    this.dialect = opts.engine;
    this.#writer = opts.writer;
    this.#writerDirect = opts.writerDirect ?? null;
    this.#box = opts.box;
    this.#onClose = opts.onClose;
    this.read = new Repos(
      { db: opts.reader, engine: opts.engine, direct: opts.readerDirect ?? null },
      opts.box,
    );
  }

  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.#writer
      .transaction()
      .execute((trx) =>
        fn(new Repos({ db: trx, engine: this.dialect, direct: this.#writerDirect }, this.#box)),
      );
  }

  close(): Promise<void> {
    return this.#onClose();
  }
}
