// SQL of the groups aggregate: groups and their memberships (migration 0008).
import type { Selectable } from "kysely";
import type { Username } from "../../../domain/usernames.js";
import type { GroupRecord, GroupRepo, UserRecord } from "../../../ports/store/index.js";
import { type Exec, prepared, type Target } from "../prepared.js";
import type { UserGroupsTable } from "../schema.js";
import { changed, num, numOrNull } from "./rows.js";
import { toUser } from "./users.js";

function toGroup(r: Selectable<UserGroupsTable>): GroupRecord {
  return {
    poolId: r.pool_id,
    name: r.name,
    description: r.description,
    roleArn: r.role_arn,
    precedence: numOrNull(r.precedence),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  };
}

const groupByName = prepared(2, (db, _e, poolId: string, name: string) =>
  db.selectFrom("user_groups").selectAll().where("pool_id", "=", poolId).where("name", "=", name),
);
const memberInsert = prepared(
  4,
  (db, _e, pool_id: string, group_name: string, username: string, created_at: number) =>
    db
      .insertInto("group_members")
      .values({ pool_id, group_name, username, created_at })
      .onConflict((oc) => oc.doNothing()),
);

// A user's groups in name order, a page at a time: the first page is what every token issued
// reads (cognito:groups). Both shapes are built once (prepared.ts).
function userGroups(db: Exec, poolId: string, username: string, limit: number) {
  return db
    .selectFrom("group_members as m")
    .innerJoin("user_groups as g", (j) =>
      j.onRef("g.pool_id", "=", "m.pool_id").onRef("g.name", "=", "m.group_name"),
    )
    .selectAll("g")
    .where("m.pool_id", "=", poolId)
    .where("m.username", "=", username)
    .orderBy("m.group_name")
    .limit(limit);
}
const groupsOfUser = prepared(3, (db, _e, poolId: string, username: string, limit: number) =>
  userGroups(db, poolId, username, limit),
);
const groupsOfUserAfter = prepared(
  4,
  (db, _e, poolId: string, username: string, limit: number, after: string) =>
    userGroups(db, poolId, username, limit).where("m.group_name", ">", after),
);

export class SqlGroups implements GroupRepo {
  readonly #t: Target;
  constructor(t: Target) {
    this.#t = t;
  }

  async get(poolId: string, name: string): Promise<GroupRecord | undefined> {
    const r = await groupByName.first(this.#t, poolId, name);
    return r && toGroup(r);
  }

  async list(poolId: string, limit: number, after: string | null): Promise<GroupRecord[]> {
    let q = this.#t.db
      .selectFrom("user_groups")
      .selectAll()
      .where("pool_id", "=", poolId)
      .orderBy("name")
      .limit(limit);
    if (after !== null) q = q.where("name", ">", after);
    return (await q.execute()).map(toGroup);
  }

  async count(poolId: string): Promise<number> {
    const r = await this.#t.db
      .selectFrom("user_groups")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("pool_id", "=", poolId)
      .executeTakeFirst();
    return num(r?.n ?? 0);
  }

  async listForUser(
    poolId: string,
    username: Username,
    limit: number,
    after: string | null,
  ): Promise<GroupRecord[]> {
    const rows =
      after === null
        ? await groupsOfUser.rows(this.#t, poolId, username, limit)
        : await groupsOfUserAfter.rows(this.#t, poolId, username, limit, after);
    return rows.map(toGroup);
  }

  async countForUser(poolId: string, username: Username): Promise<number> {
    const r = await this.#t.db
      .selectFrom("group_members")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("pool_id", "=", poolId)
      .where("username", "=", username)
      .executeTakeFirst();
    return num(r?.n ?? 0);
  }

  async members(poolId: string, group: string, limit: number, after: string | null): Promise<UserRecord[]> {
    let q = this.#t.db
      .selectFrom("group_members as m")
      .innerJoin("users as u", (j) =>
        j.onRef("u.pool_id", "=", "m.pool_id").onRef("u.username", "=", "m.username"),
      )
      .selectAll("u")
      .where("m.pool_id", "=", poolId)
      .where("m.group_name", "=", group)
      .orderBy("m.username")
      .limit(limit);
    if (after !== null) q = q.where("m.username", ">", after);
    return (await q.execute()).map(toUser);
  }

  async createIfAbsent(g: GroupRecord): Promise<boolean> {
    const r = await this.#t.db
      .insertInto("user_groups")
      .values({
        pool_id: g.poolId,
        name: g.name,
        description: g.description,
        role_arn: g.roleArn,
        precedence: g.precedence,
        created_at: g.createdAt,
        updated_at: g.updatedAt,
      })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return (r.numInsertedOrUpdatedRows ?? 0n) > 0n;
  }

  async update(g: GroupRecord): Promise<boolean> {
    const r = await this.#t.db
      .updateTable("user_groups")
      .set({
        description: g.description,
        role_arn: g.roleArn,
        precedence: g.precedence,
        updated_at: g.updatedAt,
      })
      .where("pool_id", "=", g.poolId)
      .where("name", "=", g.name)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  async delete(poolId: string, name: string): Promise<boolean> {
    const r = await this.#t.db
      .deleteFrom("user_groups")
      .where("pool_id", "=", poolId)
      .where("name", "=", name)
      .executeTakeFirst();
    return r.numDeletedRows > 0n;
  }

  async addMember(poolId: string, group: string, username: Username, now: number): Promise<boolean> {
    return changed(await memberInsert.run(this.#t, poolId, group, username, now));
  }

  async removeMember(poolId: string, group: string, username: Username): Promise<boolean> {
    const r = await this.#t.db
      .deleteFrom("group_members")
      .where("pool_id", "=", poolId)
      .where("group_name", "=", group)
      .where("username", "=", username)
      .executeTakeFirst();
    return r.numDeletedRows > 0n;
  }
}
