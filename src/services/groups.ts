// Groups as the group operations show and find them (docs/admin-users.md, "Groups").
import type { Deps } from "../operations/deps.js";
import type { GroupRecord, PoolRecord, UserRecord } from "../ports/store/index.js";
import { fail } from "../protocol/errors.js";
import type { GroupType } from "../protocol/generated/shapes.js";
import { epochSeconds } from "../protocol/wire.js";

/** Limits of the developer guide's quotas page: groups per pool, groups a user is in. */
export const MAX_GROUPS_PER_POOL = 10_000;
export const MAX_GROUPS_PER_USER = 100;

export const GROUP_MESSAGES = {
  // As other emulators word it (Cognito's exact text is not captured); the name is the
  // caller's own input.
  exists: (name: string) => `A group with the name ${name} already exists.`,
  notFound: "Group not found.",
  poolFull: `The user pool already has the maximum of ${MAX_GROUPS_PER_POOL} groups.`,
  userFull: `A user can be a member of at most ${MAX_GROUPS_PER_USER} groups.`,
} as const;

/** GroupType: absent optional members are left out, as Cognito does. */
export function groupType(g: GroupRecord): GroupType {
  const out: GroupType = { GroupName: g.name, UserPoolId: g.poolId };
  if (g.description !== null) out.Description = g.description;
  if (g.roleArn !== null) out.RoleArn = g.roleArn;
  if (g.precedence !== null) out.Precedence = g.precedence;
  out.LastModifiedDate = epochSeconds(g.updatedAt);
  out.CreationDate = epochSeconds(g.createdAt);
  return out;
}

/** The group, or ResourceNotFoundException "Group not found.". */
export async function requireGroup(
  deps: Pick<Deps, "store">,
  pool: PoolRecord,
  name: string,
): Promise<GroupRecord> {
  const g = await deps.store.read.groups.get(pool.id, name);
  if (!g) fail("ResourceNotFoundException", GROUP_MESSAGES.notFound);
  return g;
}

/**
 * The user's groups as the token service needs them for `cognito:groups`, `cognito:roles` and
 * `cognito:preferred_role` (all of them: a user is in at most 100). The token service orders
 * them by precedence.
 */
export async function tokenGroupsForUser(
  deps: Pick<Deps, "store">,
  pool: PoolRecord,
  user: Pick<UserRecord, "username">,
): Promise<{ name: string; precedence: number | null; roleArn: string | null }[]> {
  const groups = await deps.store.read.groups.listForUser(pool.id, user.username, MAX_GROUPS_PER_USER, null);
  return groups.map((g) => ({ name: g.name, precedence: g.precedence, roleArn: g.roleArn }));
}
