// PreventUserExistenceErrors: ENABLED and USER_SRP_AUTH for a name with no user. Cognito
// answers with a PASSWORD_VERIFIER challenge that carries "the same salt and internal user id
// in UUID format for the same user name and user pool combination" (developer guide,
// managing user existence errors); the answer then fails like a wrong password.
//
// Here both come from an HMAC under the server secret, so repeated probes see identical
// values and nothing is stored. The verifier is also derived (hashing only, no
// exponentiation), and the caller runs the ordinary serverChallenge with it: the same three
// exponentiations as for a real user, and an SRP_B drawn the same way.
import { createHmac, hkdfSync } from "node:crypto";
import { fromBytes, hex, N, N_BYTES } from "./group.js";
import type { StoredVerifier } from "./verifier.js";

export interface SimulatedSrpUser {
  /** USER_ID_FOR_SRP (and USERNAME) for the challenge: UUID-shaped, stable per pool and name. */
  userIdForSrp: string;
  verifier: StoredVerifier;
}

/**
 * The simulated SRP record for `username` in `poolId`. Pass the name as the pool would look it
 * up (lower-cased in a case-insensitive pool), so that spellings of one name agree.
 */
export function simulatedSrpUser(serverSecret: Buffer, poolId: string, username: string): SimulatedSrpUser {
  const seed = createHmac("sha256", serverSecret)
    .update(`srp-simulated\u0000${poolId}\u0000${username}`)
    .digest();
  const id = Buffer.from(hkdfSync("sha256", seed, "", "user-id", 16));
  id[6] = ((id[6] ?? 0) & 0x0f) | 0x40; // version 4, like a real sub
  id[8] = ((id[8] ?? 0) & 0x3f) | 0x80;
  const h = id.toString("hex");
  const userIdForSrp = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  let salt = fromBytes(Buffer.from(hkdfSync("sha256", seed, "", "salt", 16)));
  if (salt === 0n) salt = 1n;
  let v = fromBytes(Buffer.from(hkdfSync("sha256", seed, "", "verifier", N_BYTES + 16))) % N;
  if (v < 2n) v = 2n;
  return { userIdForSrp, verifier: { salt: hex(salt), verifier: hex(v) } };
}
