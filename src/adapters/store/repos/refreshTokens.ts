// SQL of the refresh tokens. The request path's queries (issue, refresh, the access-token
// family check) are prepared (prepared.ts).
import { type Selectable, sql } from "kysely";
import { asUsername, type Username, type UsernameKey } from "../../../domain/usernames.js";
import type {
  FamilyKey,
  FamilyState,
  RefreshTokenRecord,
  RefreshTokenRepo,
  UserRecord,
} from "../../../ports/store/index.js";
import { prepared, type Target } from "../prepared.js";
import type { RefreshTokensTable } from "../schema.js";
import { changed, num, numOrNull } from "./rows.js";
import { toUser } from "./users.js";

function toToken(r: Selectable<RefreshTokensTable>): RefreshTokenRecord {
  return {
    id: r.id,
    poolId: r.pool_id,
    clientId: r.client_id,
    username: asUsername(r.username),
    originJti: r.origin_jti,
    eventId: r.event_id,
    authTime: num(r.auth_time),
    deviceKey: r.device_key,
    issuedAt: num(r.issued_at),
    expiresAt: num(r.expires_at),
    revokedAt: numOrNull(r.revoked_at),
    rotatedAt: numOrNull(r.rotated_at),
  };
}

const tokenInsert = prepared(
  12,
  (
    db,
    _e,
    id: string,
    pool_id: string,
    client_id: string,
    username: string,
    origin_jti: string,
    event_id: string,
    auth_time: number,
    device_key: string | null,
    issued_at: number,
    expires_at: number,
    revoked_at: number | null,
    rotated_at: number | null,
  ) =>
    db.insertInto("refresh_tokens").values({
      id,
      pool_id,
      client_id,
      username,
      origin_jti,
      event_id,
      auth_time,
      device_key,
      issued_at,
      expires_at,
      revoked_at,
      rotated_at,
    }),
);
const tokenById = prepared(2, (db, _e, poolId: string, id: string) =>
  db.selectFrom("refresh_tokens").selectAll().where("id", "=", id).where("pool_id", "=", poolId),
);
// The access-token check's read (userWithFamily): the user row and its family's state in one
// statement. A family is usually one row; rotation adds rows to it. Revoking marks them all,
// so any revoked row means the family is revoked. The family's state is max(coalesce(revoked_at, 0)) over its tokens: NULL when no
// record of it is kept, 0 when none is revoked, else when it was revoked.
const userWithFamily = (column: "origin_jti" | "event_id") =>
  prepared(3, (db, _e, poolId: string, key: string, family: string) =>
    db
      .selectFrom("users")
      .selectAll("users")
      .select((eb) =>
        eb
          .selectFrom("refresh_tokens")
          .select(sql<number | string | null>`max(coalesce(refresh_tokens.revoked_at, 0))`.as("s"))
          .where(`refresh_tokens.${column}`, "=", family)
          .where("refresh_tokens.pool_id", "=", poolId)
          .as("family_state"),
      )
      .where("users.pool_id", "=", poolId)
      .where("users.username_key", "=", key),
  );
const userWithFamilyByOrigin = userWithFamily("origin_jti");
const userWithFamilyByEvent = userWithFamily("event_id");

export class SqlRefreshTokens implements RefreshTokenRepo {
  readonly #t: Target;
  constructor(t: Target) {
    this.#t = t;
  }

  async insert(r: RefreshTokenRecord): Promise<void> {
    await tokenInsert.run(
      this.#t,
      r.id,
      r.poolId,
      r.clientId,
      r.username,
      r.originJti,
      r.eventId,
      r.authTime,
      r.deviceKey,
      r.issuedAt,
      r.expiresAt,
      r.revokedAt,
      r.rotatedAt,
    );
  }

  async get(poolId: string, id: string): Promise<RefreshTokenRecord | undefined> {
    const r = await tokenById.first(this.#t, poolId, id);
    return r && toToken(r);
  }

  async userWithFamily(
    poolId: string,
    usernameKey: UsernameKey,
    key: FamilyKey,
  ): Promise<{ user: UserRecord; family: FamilyState | undefined } | undefined> {
    const r =
      "originJti" in key
        ? await userWithFamilyByOrigin.first(this.#t, poolId, usernameKey, key.originJti)
        : await userWithFamilyByEvent.first(this.#t, poolId, usernameKey, key.eventId);
    if (!r) return undefined;
    const state = numOrNull(r.family_state);
    return {
      user: toUser(r),
      family: state === null ? undefined : { revokedAt: state === 0 ? null : state },
    };
  }

  async revokeFamily(poolId: string, originJti: string, now: number): Promise<number> {
    const r = await this.#t.db
      .updateTable("refresh_tokens")
      .set({ revoked_at: now })
      .where("origin_jti", "=", originJti)
      .where("pool_id", "=", poolId)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async revokeAllForUser(poolId: string, username: Username, now: number): Promise<number> {
    const r = await this.#t.db
      .updateTable("refresh_tokens")
      .set({ revoked_at: now })
      .where("pool_id", "=", poolId)
      .where("username", "=", username)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async markRotated(poolId: string, id: string, now: number): Promise<boolean> {
    const r = await this.#t.db
      .updateTable("refresh_tokens")
      .set({ rotated_at: now })
      .where("id", "=", id)
      .where("pool_id", "=", poolId)
      .where("rotated_at", "is", null)
      .executeTakeFirst();
    return changed({ numAffectedRows: r.numUpdatedRows });
  }

  async prune(before: number): Promise<number> {
    const r = await this.#t.db
      .deleteFrom("refresh_tokens")
      .where("expires_at", "<", before)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
