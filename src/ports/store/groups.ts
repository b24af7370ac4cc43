// Groups of a pool and the users in them (CreateGroup … ListUsersInGroup, and the group claims
// of tokens). A group is named within its pool (names are case-sensitive, as Cognito's); a
// membership joins a group and a user of the same pool. Deleting a group, a user or a pool
// removes its memberships with it (the schema cascades), so no operation that deletes a user
// has to remember them.
import type { Username } from "../../domain/usernames.js";
import type { UserRecord } from "./users.js";

export interface GroupRecord {
  poolId: string;
  name: string;
  description: string | null;
  roleArn: string | null;
  /** Lower ranks first in tokens; null ranks after every number. */
  precedence: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface GroupReads {
  get(poolId: string, name: string): Promise<GroupRecord | undefined>;
  /** Groups ordered by name; `after` is an exclusive lower bound on the name. */
  list(poolId: string, limit: number, after: string | null): Promise<GroupRecord[]>;
  count(poolId: string): Promise<number>;
  /** The user's groups ordered by name; `after` is an exclusive lower bound on the name. */
  listForUser(
    poolId: string,
    username: Username,
    limit: number,
    after: string | null,
  ): Promise<GroupRecord[]>;
  countForUser(poolId: string, username: Username): Promise<number>;
  /** The group's members ordered by username; `after` is an exclusive lower bound. */
  members(poolId: string, group: string, limit: number, after: string | null): Promise<UserRecord[]>;
}

export interface GroupRepo extends GroupReads {
  /** Atomic: inserts unless a group of that name exists in the pool; false when it does. */
  createIfAbsent(group: GroupRecord): Promise<boolean>;
  /** Replaces the group's description, role, precedence and update time; false when it is gone. */
  update(group: GroupRecord): Promise<boolean>;
  /** Deletes the group and its memberships; false when there was none. */
  delete(poolId: string, name: string): Promise<boolean>;
  /** Idempotent: true when the user was not in the group before. */
  addMember(poolId: string, group: string, username: Username, now: number): Promise<boolean>;
  /** Idempotent: true when the user was in the group. */
  removeMember(poolId: string, group: string, username: Username): Promise<boolean>;
}
