// A user has two names the store knows it by, and they must not be confused:
// - its `Username`: the immutable internal username, exactly as stored (what the caller chose
//   at sign-up, or a UUID in pools that sign in by email or phone number). Users, codes and
//   aliases are addressed by it once the user is found.
// - its `UsernameKey`: what a username is looked up by — the name case-folded when the pool
//   is case-insensitive (UsernameConfiguration.CaseSensitive false, the default), as typed
//   otherwise.
// Both are strings at run time. The brands make the compiler refuse one where the other is
// meant; the functions below are the only way to make either.
import { nameKey } from "./attributes.js";

declare const usernameBrand: unique symbol;
declare const usernameKeyBrand: unique symbol;

/** The internal username, exactly as stored. */
export type Username = string & { readonly [usernameBrand]: "Username" };

/** The lookup key of a username (case-folded in case-insensitive pools). */
export type UsernameKey = string & { readonly [usernameKeyBrand]: "UsernameKey" };

/**
 * A value that is (or becomes, for a new user) a user's internal username: a new user's
 * chosen name or generated UUID, a name read back from the store, or a stand-in for a user
 * that does not exist (simulated answers).
 */
export function asUsername(value: string): Username {
  return value as Username;
}

/** The key a username is looked up by: `name` as the caller typed it, or a stored username. */
export function usernameKey(name: string, caseInsensitive: boolean): UsernameKey {
  return nameKey(name, caseInsensitive) as UsernameKey;
}
