// PreventUserExistenceErrors: ENABLED — what ResendConfirmationCode answers for a user who
// does not exist (or is disabled): "a response indicating a code was sent to a simulated
// destination", whose medium "is determined by the input username format and the
// verification settings of the user pool" (developer guide; re:Post knowledge center).
//
// Our choice, made so the answer cannot be told apart from a real one:
// - the same (pool, username) always gets the same answer (an HMAC under the server secret);
// - a username that is an email or phone number is masked itself when the pool verifies that
//   medium, exactly as it would be for a real user signed up with it;
// - otherwise a synthetic destination of the right shape is masked.
import { createHmac } from "node:crypto";
import { looksLikeEmail, looksLikePhone } from "./attributes.js";
import type { DeliveryTarget } from "./delivery.js";
import { autoVerified, type PoolConfig } from "./pool.js";

const LETTERS = "abcdefghijklmnopqrstuvwxyz";

export function simulatedTarget(
  serverSecret: Buffer,
  pool: { id: string; config: PoolConfig },
  username: string,
): DeliveryTarget | null {
  const auto = autoVerified(pool.config);
  if (!auto.email && !auto.phone) return null;
  if (looksLikeEmail(username) && auto.email) {
    return { medium: "EMAIL", attributeName: "email", destination: username };
  }
  if (looksLikePhone(username) && auto.phone) {
    return { medium: "SMS", attributeName: "phone_number", destination: username };
  }
  const h = createHmac("sha256", serverSecret).update(`simulated\u0000${pool.id}\u0000${username}`).digest();
  const byte = (i: number) => h[i] ?? 0;
  if (auto.phone && !(looksLikeEmail(username) && auto.email)) {
    let digits = "1";
    for (let i = 0; i < 10; i++) digits += String(byte(i) % 10);
    return { medium: "SMS", attributeName: "phone_number", destination: `+${digits}` };
  }
  const local = LETTERS[byte(0) % 26] ?? "a";
  const domain = LETTERS[byte(1) % 26] ?? "e";
  // The mask shows the first character of each side only, so the rest is filler.
  return { medium: "EMAIL", attributeName: "email", destination: `${local}x@${domain}x.com` };
}
