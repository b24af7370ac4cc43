// Users, groups and memberships made for fixtures — by the config file's `seed` and by the
// `cognate users` / `cognate groups` verbs — through the same operations the API runs
// (AdminCreateUser, AdminSetUserPassword, CreateGroup, UpdateGroup, AdminAddUserToGroup), so
// they get the same checks. No invitation goes out (MessageAction SUPPRESS): the password is
// the one the fixture names. docs/admin-users.md, "Seeding and the CLI".
import type { Logger } from "pino";
import { POLICY_PREFIX, passwordPolicyViolation } from "../domain/passwords.js";
import { AdminAddUserToGroup } from "../operations/AdminAddUserToGroup.js";
import { AdminCreateUser } from "../operations/AdminCreateUser.js";
import { AdminSetUserPassword } from "../operations/AdminSetUserPassword.js";
import { CreateGroup } from "../operations/CreateGroup.js";
import type { Operation, RequestContext } from "../operations/define.js";
import type { Deps } from "../operations/deps.js";
import { UpdateGroup } from "../operations/UpdateGroup.js";
import { fail, ServiceError } from "../protocol/errors.js";

export interface FixtureUser {
  Username: string;
  /** A permanent password: the user is CONFIRMED. */
  Password?: string | undefined;
  /** A temporary password: the user is in FORCE_CHANGE_PASSWORD until the first sign-in. */
  TemporaryPassword?: string | undefined;
  UserAttributes?: { Name: string; Value: string }[] | undefined;
  Groups?: string[] | undefined;
}

export interface FixtureGroup {
  GroupName: string;
  Description?: string | undefined;
  RoleArn?: string | undefined;
  Precedence?: number | undefined;
}

function context(log: Logger, who: string): RequestContext {
  return { requestId: who, sourceIp: "127.0.0.1", userAgent: undefined, log, accessKeyId: undefined };
}

async function call(
  deps: Deps,
  op: Operation,
  input: object,
  ctx: RequestContext,
): Promise<Record<string, unknown>> {
  return (await op.run(deps, input, ctx)) as Record<string, unknown>;
}

/** Creates the group, or brings an existing one in line with the fixture. */
export async function putGroup(
  deps: Deps,
  poolId: string,
  g: FixtureGroup,
  ctx: RequestContext,
): Promise<void> {
  const input = { UserPoolId: poolId, ...g };
  try {
    await call(deps, CreateGroup, input, ctx);
  } catch (e) {
    if (!(e instanceof ServiceError && e.type === "GroupExistsException")) throw e;
    await call(deps, UpdateGroup, input, ctx);
  }
}

/**
 * Creates the user unless one of that name exists (an existing user keeps its password and
 * attributes: it may have changed them since), then adds it to its groups.
 * Returns whether the user was created.
 */
export async function putUser(
  deps: Deps,
  poolId: string,
  u: FixtureUser,
  ctx: RequestContext,
): Promise<boolean> {
  if (u.Password !== undefined && u.TemporaryPassword !== undefined) {
    throw new Error(`user ${u.Username}: give Password or TemporaryPassword, not both`);
  }
  if (u.Password !== undefined) {
    const pool = await deps.directory.pool(poolId);
    const violation = passwordPolicyViolation(
      u.Password,
      pool.config.Policies?.PasswordPolicy,
      POLICY_PREFIX.newUser,
    );
    if (violation) fail("InvalidPasswordException", violation);
  }
  let created = true;
  try {
    await call(
      deps,
      AdminCreateUser,
      {
        UserPoolId: poolId,
        Username: u.Username,
        MessageAction: "SUPPRESS",
        ...(u.UserAttributes ? { UserAttributes: u.UserAttributes } : {}),
        // A permanent password is judged here as AdminCreateUser judges a temporary one (so
        // a refused one leaves no user behind), but the user is made with a generated
        // temporary password that AdminSetUserPassword then replaces: were it the same, a
        // pool with a password history would refuse the second step as a reuse.
        ...(u.TemporaryPassword !== undefined ? { TemporaryPassword: u.TemporaryPassword } : {}),
      },
      ctx,
    );
  } catch (e) {
    if (!(e instanceof ServiceError && e.type === "UsernameExistsException")) throw e;
    created = false;
  }
  if (created && u.Password !== undefined) {
    await call(
      deps,
      AdminSetUserPassword,
      { UserPoolId: poolId, Username: u.Username, Password: u.Password, Permanent: true },
      ctx,
    );
  }
  await addToGroups(deps, poolId, u.Username, u.Groups ?? [], ctx);
  return created;
}

/** Adds an existing user to groups (AdminAddUserToGroup: the user and groups must exist). */
export async function addToGroups(
  deps: Deps,
  poolId: string,
  username: string,
  groups: readonly string[],
  ctx: RequestContext,
): Promise<void> {
  for (const group of groups) {
    await call(deps, AdminAddUserToGroup, { UserPoolId: poolId, Username: username, GroupName: group }, ctx);
  }
}

/** The seed's groups and users of each pool, in that order (memberships name groups). */
export async function seedUsersAndGroups(
  deps: Deps,
  pools: readonly { id: string; Groups: readonly FixtureGroup[]; Users: readonly FixtureUser[] }[],
  log: Logger,
): Promise<void> {
  const ctx = context(log, "seed");
  for (const p of pools) {
    try {
      for (const g of p.Groups) await putGroup(deps, p.id, g, ctx);
      for (const u of p.Users) await putUser(deps, p.id, u, ctx);
    } catch (e) {
      const what =
        e instanceof ServiceError ? `${e.type}: ${e.message}` : String(e instanceof Error ? e.message : e);
      throw new Error(`seed: pool ${p.id}: ${what}`);
    }
  }
}

export { context as fixtureContext };
