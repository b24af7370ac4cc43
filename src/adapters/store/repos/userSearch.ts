// ListUsers' search (part of the users aggregate): one or two index ranges per page, whatever
// the size of the pool (the indexes are migration 0008's; on SQLite, 0015 makes those of the
// attributes partial: only users who have the attribute, which every filter implies).
//
// - No search: users in username order, resuming after the last username (the primary key).
// - Exact value: the users with that value in username order — index (pool, value, username).
// - Prefix: the users whose value starts with it, in (value, username) order. A page resumes
//   first among the users sharing the last value (`value = v AND username > u`, in username
//   order), then past it (`value > v AND value < upper bound`, in (value, username) order):
//   two index ranges, where one row-value comparison would make the engines walk every user
//   sharing the last value again on each page.
// Values compare by code point: SQLite's default BINARY collation does so for UTF-8 text, and
// PostgreSQL is told "C". Every value starting with the prefix p then lies in [p, p·U+10FFFF):
// a string that does not start with p differs from it first at a code point greater than p's,
// so it sorts after the bound (a value with U+10FFFF, a noncharacter, right after the prefix
// would sort after it too; no sign-in name or attribute legitimately has one).
import { type Expression, type RawBuilder, type SqlBool, sql } from "kysely";
import type { UserCursor, UserRecord, UserSearch, UserSearchField } from "../../../ports/store/index.js";
import { attributeExpression } from "../migrations/0008_groups.js";
import type { Target } from "../prepared.js";
import type { Engine } from "../schema.js";
import { toUser } from "./users.js";

const MAX_CODE_POINT = String.fromCodePoint(0x10ffff);

const COLUMNS: Partial<Record<UserSearchField, string>> = {
  username: "username",
  usernameKey: "username_key",
  sub: "sub",
  status: "status",
};

/** The SQL of the field's value, exactly as its index spells it. */
function fieldSql(engine: Engine, field: UserSearchField): RawBuilder<string> {
  if (field === "enabled") return sql<string>`enabled`;
  const column = COLUMNS[field];
  if (column !== undefined) {
    return engine === "postgres"
      ? sql<string>`${sql.ref(column)} COLLATE "C"`
      : sql<string>`${sql.ref(column)}`;
  }
  return sql<string>`${sql.raw(attributeExpression(engine, field))}`;
}

type Condition = (value: Expression<string>) => RawBuilder<SqlBool>;

async function range(
  t: Target,
  poolId: string,
  conditions: RawBuilder<SqlBool>[],
  order: RawBuilder<string>[],
  limit: number,
): Promise<UserRecord[]> {
  let q = t.db.selectFrom("users").selectAll().where("pool_id", "=", poolId);
  for (const c of conditions) q = q.where(c);
  for (const o of order) q = q.orderBy(o);
  return (await q.limit(limit).execute()).map(toUser);
}

export async function searchUsers(
  t: Target,
  poolId: string,
  search: UserSearch | null,
  after: UserCursor | null,
  limit: number,
): Promise<UserRecord[]> {
  const username = sql<string>`username`;
  const afterName: RawBuilder<SqlBool>[] = after === null ? [] : [sql<SqlBool>`username > ${after.username}`];
  if (search === null) return range(t, poolId, afterName, [username], limit);

  const value = fieldSql(t.engine, search.field);
  const is: Condition = (v) => sql<SqlBool>`${value} = ${v}`;
  if (!search.prefix || search.field === "enabled") {
    const v = search.field === "enabled" ? Number(search.value) : search.value;
    return range(t, poolId, [sql<SqlBool>`${value} = ${v}`, ...afterName], [username], limit);
  }

  const upper = `${search.value}${MAX_CODE_POINT}`;
  const out: UserRecord[] = [];
  let from = sql<SqlBool>`${value} >= ${search.value}`;
  if (after !== null) {
    // The rest of the users sharing the last page's value.
    out.push(...(await range(t, poolId, [is(sql.val(after.value)), ...afterName], [username], limit)));
    if (out.length === limit) return out;
    from = sql<SqlBool>`${value} > ${after.value}`;
  }
  const rest = await range(
    t,
    poolId,
    [from, sql<SqlBool>`${value} < ${upper}`],
    [value, username],
    limit - out.length,
  );
  out.push(...rest);
  return out;
}
