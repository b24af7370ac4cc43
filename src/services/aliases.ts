// Alias attributes (AliasAttributes pools): an email or phone number becomes a sign-in
// alias once verified, preferred_username once the user is confirmed. Only one user holds an
// alias. A verified email or phone number another user holds moves to this user when the
// caller forces it (ConfirmSignUp's ForceAliasCreation, a PreSignUp auto-confirmation), and
// the other user's attribute stops being verified (API reference, ConfirmSignUp
// ForceAliasCreation). A preferred_username is never taken from its holder: Cognito moves
// only email and phone aliases, and refuses a preferred_username another user has.
import { aliasKey } from "../domain/attributes.js";
import { caseInsensitive } from "../domain/pool.js";
import { usernameKey } from "../domain/usernames.js";
import type { AliasKind, PoolRecord, StoreTx, UserRecord } from "../ports/store/index.js";

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

export type AliasClaim = { kind: "ok" } | { kind: "taken"; attribute: AliasKind };

/**
 * Claims the user's due aliases inside the caller's transaction. Answers `taken` when another
 * user holds one that may not move (any alias without `force`, a preferred_username always);
 * the caller must then fail, so that its transaction rolls back what was claimed before.
 */
export async function claimAliases(
  tx: StoreTx,
  pool: PoolRecord,
  user: UserRecord,
  force: boolean,
  now: number,
): Promise<AliasClaim> {
  const ci = caseInsensitive(pool.config);
  for (const { kind, value } of dueAliases(pool, user)) {
    const alias = { poolId: pool.id, kind, valueKey: aliasKey(kind, value, ci), username: user.username };
    if (await tx.aliases.claim(alias)) continue;
    if (!force || kind === "preferred_username") return { kind: "taken", attribute: kind };
    const previous = await tx.aliases.transfer(alias);
    if (previous === null) continue;
    const other = await tx.users.get(pool.id, usernameKey(previous, ci));
    if (other) {
      await tx.users.update({
        ...other,
        attributes: { ...other.attributes, [`${kind}_verified`]: "false" },
        updatedAt: now,
      });
    }
  }
  return { kind: "ok" };
}
