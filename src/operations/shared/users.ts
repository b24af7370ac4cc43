// Finding a user by what the caller typed: the username, a sign-in alias, or the sub.
import { aliasKey } from "../../domain/attributes.js";
import { caseInsensitive } from "../../domain/pool.js";
import { usernameKey } from "../../domain/usernames.js";
import type { AliasKind, PoolRecord, StoreRead, UserRecord } from "../../ports/store/index.js";

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
  const kinds = new Set<AliasKind>([
    ...((pool.config.UsernameAttributes ?? []) as AliasKind[]),
    ...((pool.config.AliasAttributes ?? []) as AliasKind[]),
  ]);
  for (const kind of kinds) {
    const alias = await repos.aliases.find(pool.id, kind, aliasKey(kind, name, ci));
    if (alias) {
      const user = await repos.users.get(pool.id, usernameKey(alias.username, ci));
      if (user) return user;
    }
  }
  if (UUID.test(name)) return repos.users.getBySub(pool.id, name.toLowerCase());
  return undefined;
}
