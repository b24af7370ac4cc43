// Alias attributes (AliasAttributes pools): an email or phone number becomes a sign-in
// alias once verified, preferred_username once the user is confirmed. Only one user holds an
// alias; taking one that another user holds needs ForceAliasCreation, and then the other
// user's attribute stops being verified (API reference, ConfirmSignUp ForceAliasCreation).
import { aliasKey } from "../../domain/attributes.js";
import { caseInsensitive } from "../../domain/pool.js";
import { usernameKey } from "../../domain/usernames.js";
import type { AliasKind, PoolRecord, StoreTx, UserRecord } from "../../ports/store/index.js";
import { fail } from "../../protocol/errors.js";

/** The aliases a confirmed user should hold now. */
function dueAliases(pool: PoolRecord, user: UserRecord): { kind: AliasKind; value: string }[] {
  const out: { kind: AliasKind; value: string }[] = [];
  for (const kind of (pool.config.AliasAttributes ?? []) as AliasKind[]) {
    const value = user.attributes[kind];
    if (value === undefined) continue;
    if (kind === "preferred_username" || user.attributes[`${kind}_verified`] === "true")
      out.push({ kind, value });
  }
  return out;
}

/**
 * Claims the user's due aliases inside the caller's transaction. Throws
 * AliasExistsException (rolling the transaction back) when another user holds one and
 * `force` is false.
 */
export async function claimAliases(
  tx: StoreTx,
  pool: PoolRecord,
  user: UserRecord,
  force: boolean,
  now: number,
): Promise<void> {
  const ci = caseInsensitive(pool.config);
  for (const { kind, value } of dueAliases(pool, user)) {
    const alias = { poolId: pool.id, kind, valueKey: aliasKey(kind, value, ci), username: user.username };
    if (await tx.aliases.claim(alias)) continue;
    if (!force) fail("AliasExistsException", `An account with the ${kind} already exists.`);
    const previous = await tx.aliases.transfer(alias);
    if (previous === null) continue;
    const other = await tx.users.get(pool.id, usernameKey(previous, ci));
    if (other && kind !== "preferred_username") {
      await tx.users.update({
        ...other,
        attributes: { ...other.attributes, [`${kind}_verified`]: "false" },
        updatedAt: now,
      });
    }
  }
}
