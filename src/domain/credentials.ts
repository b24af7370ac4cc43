// What is stored when a password is set — by SignUp, an administrator, a reset, a change or
// a NEW_PASSWORD_REQUIRED answer: the scrypt hash (password flows) and the SRP salt and
// verifier (USER_SRP_AUTH never sends the password), both of the same password, and when it
// was set. Never the password itself (docs/signin-internals.md, "Storing passwords").

import { inlineSrpMath, type SrpMath } from "../ports/srpMath.js";
import { fail, messages } from "../protocol/errors.js";
import type { Random } from "./ids.js";
import { type HashGate, hashPassword, type ScryptCost } from "./passwords.js";
import { hex } from "./srp/group.js";
import { drawSalt, type StoredVerifier, userIdentity } from "./srp/verifier.js";
import type { Username } from "./usernames.js";

export interface PasswordCredentials {
  passwordHash: string;
  srp: StoredVerifier;
  passwordChangedAt: number;
}

export interface CredentialDeps {
  hashGate: HashGate;
  passwordCost: ScryptCost;
  random: Random;
  /** Where the verifier's exponentiation runs (worker threads in the server); inline when absent. */
  srpMath?: SrpMath;
}

/**
 * The stored form of `password` for the user `username` of `poolId`. The hash runs on the
 * thread pool behind the hashing gate (it may refuse with TooManyRequestsException when the
 * queue is full); the verifier is one modular exponentiation (~1 ms), on a worker thread when
 * the server has them. Call it
 * outside any transaction.
 */
export async function passwordCredentials(
  deps: CredentialDeps,
  poolId: string,
  username: Username,
  password: string,
  now: number,
): Promise<PasswordCredentials> {
  const hashed = await deps.hashGate.run(() => hashPassword(password, deps.passwordCost));
  // Refused work stops here: an overloaded server does not spend the exponentiation either.
  if (hashed.kind === "busy") fail("TooManyRequestsException", messages.tooManyRequests);
  const salt = drawSalt(deps.random);
  const verifier = await (deps.srpMath ?? inlineSrpMath).verifier(
    salt,
    userIdentity(poolId, username),
    password,
  );
  const srp: StoredVerifier = { salt: hex(salt), verifier: hex(verifier) };
  return { passwordHash: hashed.value, srp, passwordChangedAt: now };
}
