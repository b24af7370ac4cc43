// The UserMigration trigger (docs/user-migration.md): a name that finds no user, at a password
// sign-in or in ForgotPassword, is offered to the pool's migration function; when it answers
// with userAttributes, the user is created from them and the caller goes on as for a user that
// was there all along. An empty answer means "no such user". The password the event carries
// goes to the function and, hashed with its SRP verifier, to the new user: it is never kept or
// logged otherwise.
import { validateAdminCreateAttributes } from "../domain/adminAttributes.js";
import { aliasKey, newUsername } from "../domain/attributes.js";
import { passwordCredentials } from "../domain/credentials.js";
import { caseInsensitive } from "../domain/pool.js";
import { userMigrationEvent } from "../domain/triggerEvents.js";
import { asUsername, usernameKey } from "../domain/usernames.js";
import type { Deps } from "../operations/deps.js";
import type { AliasKind, PoolRecord, UserRecord } from "../ports/store/index.js";
import { fail } from "../protocol/errors.js";
import { claimAliases } from "./aliases.js";
import { rememberNewUserPassword } from "./passwordHistory.js";
import { findUser } from "./users.js";

const TAKEN = Symbol("taken");

export type MigrationDeps = Pick<
  Deps,
  "store" | "clock" | "random" | "config" | "triggers" | "hashGate" | "passwordCost" | "srpMath"
>;

export interface MigrationRequest {
  pool: PoolRecord;
  clientId: string;
  /** The name as the user typed it. */
  typed: string;
  source: "UserMigration_Authentication" | "UserMigration_ForgotPassword";
  /** The password typed at sign-in; none in the forgot-password flow. */
  password: string | undefined;
  validationData: Record<string, string> | undefined;
  clientMetadata: Record<string, string> | undefined;
  userAgent: string | undefined;
}

/** Whether the pool has a migration function. */
export function migrates(deps: Pick<Deps, "triggers">, pool: PoolRecord): boolean {
  return deps.triggers.configured(pool, "UserMigration") !== null;
}

/** A migration's user: `created` when this request made it (from the password it carried). */
export interface Migrated {
  user: UserRecord;
  created: boolean;
}

/**
 * Runs the pool's migration function for a name with no user. Answers the user it created (or
 * the one a concurrent request created under the same name first, `created: false`), or
 * undefined when there is no function or it found no one. A function that fails, times out or answers garbage fails
 * the request with the errors every trigger has (src/ports/triggers.ts).
 */
export async function migrateUser(deps: MigrationDeps, m: MigrationRequest): Promise<Migrated | undefined> {
  if (!migrates(deps, m.pool)) return undefined;
  const event = userMigrationEvent(
    {
      region: deps.config.region,
      userPoolId: m.pool.id,
      userName: m.typed,
      clientId: m.clientId,
      userAgent: m.userAgent,
    },
    m.source,
    { password: m.password, validationData: m.validationData, clientMetadata: m.clientMetadata },
  );
  const answer = await deps.triggers.invoke(m.pool, "UserMigration", event);
  // "userAttributes … This field is required": without it the function found no one.
  if (answer.userAttributes === undefined) return undefined;

  const config = m.pool.config;
  const ci = caseInsensitive(config);
  // The attributes are checked as an administrator's are (AdminCreateUser): the pool's schema,
  // no `sub`, a verification flag only with its attribute.
  const attributes = validateAdminCreateAttributes(
    Object.entries(answer.userAttributes).map(([Name, Value]) => ({ Name, Value })),
    config,
  );
  // The typed name becomes the user's sign-in name as at SignUp: a new UUID username with the
  // email or phone number taken from it in UsernameAttributes pools, the name itself otherwise
  // (an email-shaped name in an email-alias pool is refused the same way).
  const sub = deps.random.uuid();
  const named = newUsername(config, m.typed, sub);
  const username = asUsername(named.username);
  const signInKind: AliasKind | null = named.signInKind;
  if (signInKind !== null) attributes[signInKind] = m.typed;

  // At sign-in CONFIRMED unless the function asks for a reset; a user met in the forgot-password
  // flow has no password yet and must reset it (finalUserStatus applies to sign-in only).
  const status =
    m.source === "UserMigration_Authentication" && answer.finalUserStatus !== "RESET_REQUIRED"
      ? "CONFIRMED"
      : "RESET_REQUIRED";
  const now = deps.clock.now();
  // The password is stored only for a user who may sign in with it: the pool's password policy
  // is not applied to a migrated password (developer guide), and a RESET_REQUIRED user has to
  // choose a new one anyway, so an unchecked one is not kept for them.
  const credentials =
    status === "CONFIRMED" && m.password !== undefined
      ? await passwordCredentials(deps, m.pool.id, username, m.password, now)
      : { passwordHash: null, srp: null, passwordChangedAt: null };
  const user: UserRecord = {
    poolId: m.pool.id,
    username,
    sub,
    status,
    enabled: true,
    attributes,
    ...credentials,
    createdAt: now,
    updatedAt: now,
  };

  const created = await deps.store
    .transaction(async (tx) => {
      // Someone else migrated (or signed up) this name in the meantime: theirs stands.
      if (!(await tx.users.createIfAbsent(user, usernameKey(username, ci)))) return false;
      if (signInKind !== null) {
        const alias = { poolId: m.pool.id, kind: signInKind, valueKey: aliasKey(signInKind, m.typed, ci) };
        // The same, in a UsernameAttributes pool: the name is another user's now (rolled back).
        if (!(await tx.aliases.claim({ ...alias, username }))) throw TAKEN;
      }
      // The migrated password starts the pool's history, as a new user's first one does
      // (docs/admin-users.md, "Password history").
      await rememberNewUserPassword(tx, m.pool, user);
      // forceAliasCreation (default false): a verified email or phone number another user holds
      // as an alias moves to the migrated user; without it the migration is refused.
      const aliases = await claimAliases(tx, m.pool, user, answer.forceAliasCreation === true, now);
      if (aliases.kind === "taken") {
        fail("InvalidParameterException", `An account with the given ${aliases.attribute} already exists.`);
      }
      return true;
    })
    .catch((e: unknown) => {
      if (e === TAKEN) return false;
      throw e;
    });
  if (created) return { user, created: true };
  const theirs = await findUser(deps.store.read, m.pool, m.typed);
  return theirs && { user: theirs, created: false };
}
