// Users as the operations look them up: by what the caller typed (the username, a sign-in
// alias, or the sub), and the name that stands for a user who does not exist.
import { aliasKey } from "../domain/attributes.js";
import { caseInsensitive } from "../domain/pool.js";
import { asUsername, type Username, usernameKey } from "../domain/usernames.js";
import type { Deps } from "../operations/deps.js";
import type { AliasKind, PoolRecord, StoreRead, StoreTx, UserRecord } from "../ports/store/index.js";
import { fail, messages } from "../protocol/errors.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Lookup order: exact username (case-folded when the pool is case-insensitive) → a sign-in
 * alias (UsernameAttributes pools register email/phone at sign-up; AliasAttributes pools
 * only once the attribute is verified, so an unconfirmed user is not found by alias) → sub.
 */
export async function findUser(
  repos: StoreRead,
  pool: PoolRecord,
  name: string,
): Promise<UserRecord | undefined> {
  const ci = caseInsensitive(pool.config);
  const direct = await repos.users.get(pool.id, usernameKey(name, ci));
  if (direct) return direct;
  for (const kind of aliasKinds(pool)) {
    const alias = await repos.aliases.find(pool.id, kind, aliasKey(kind, name, ci));
    if (alias) {
      const user = await repos.users.get(pool.id, usernameKey(alias.username, ci));
      if (user) return user;
    }
  }
  if (UUID.test(name)) return repos.users.getBySub(pool.id, name.toLowerCase());
  return undefined;
}

/**
 * As `findUser`, in the caller's transaction: the user found is locked for the rest of it,
 * so that an operation can read, check and change a user in one transaction.
 */
export async function findUserForUpdate(
  tx: StoreTx,
  pool: PoolRecord,
  name: string,
): Promise<UserRecord | undefined> {
  const ci = caseInsensitive(pool.config);
  const direct = await tx.users.getByKeyForUpdate(pool.id, usernameKey(name, ci));
  if (direct) return direct;
  for (const kind of aliasKinds(pool)) {
    const alias = await tx.aliases.find(pool.id, kind, aliasKey(kind, name, ci));
    if (alias) {
      const user = await tx.users.getForUpdate(pool.id, alias.username);
      if (user) return user;
    }
  }
  if (UUID.test(name)) {
    const bySub = await tx.users.getBySub(pool.id, name.toLowerCase());
    if (bySub) return tx.users.getForUpdate(pool.id, bySub.username);
  }
  return undefined;
}

/** The sign-in names other than the username that find a user of this pool. */
function aliasKinds(pool: PoolRecord): Set<AliasKind> {
  return new Set<AliasKind>([
    ...((pool.config.UsernameAttributes ?? []) as AliasKind[]),
    ...((pool.config.AliasAttributes ?? []) as AliasKind[]),
  ]);
}

/**
 * The name a simulated answer (PreventUserExistenceErrors) uses for a user who does not
 * exist: its per-user counters and decoy statements are keyed by it. It starts with a space,
 * which no username may contain (the model's pattern has no separators), so it can never be
 * a real user's name, and it is case-folded like a username so that "Bob" and "bob" share it
 * in a case-insensitive pool.
 */
export function simulatedName(pool: PoolRecord, name: string): Username {
  return asUsername(` ${usernameKey(name, caseInsensitive(pool.config))}`);
}

/** AdminEnableUser / AdminDisableUser: flips the user's Enabled flag. */
export async function setUserEnabled(
  deps: Pick<Deps, "store" | "directory" | "clock">,
  poolId: string,
  username: string,
  enabled: boolean,
): Promise<Record<string, never>> {
  const pool = await deps.directory.pool(poolId);
  const found = await findUser(deps.store.read, pool, username);
  if (!found) fail("UserNotFoundException", messages.userNotFound);
  const now = deps.clock.now();
  const outcome = await deps.store.transaction(async (tx): Promise<{ kind: "ok" } | { kind: "gone" }> => {
    const user = await tx.users.getForUpdate(pool.id, found.username);
    if (!user) return { kind: "gone" };
    await tx.users.update({ ...user, enabled, updatedAt: now });
    // Disabling a user revokes their tokens (AdminDisableUser's documentation): enabling them
    // again does not bring the old sessions back.
    if (!enabled) await tx.refreshTokens.revokeAllForUser(pool.id, user.username, now);
    return { kind: "ok" };
  });
  if (outcome.kind === "gone") fail("UserNotFoundException", messages.userNotFound);
  return {};
}
