// PreventUserExistenceErrors: ENABLED — what ResendConfirmationCode (and ForgotPassword)
// answers for a user who does not exist (or is disabled): "a response indicating a code was sent to a simulated
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
import { recoveryMechanisms } from "./recovery.js";

const LETTERS = "abcdefghijklmnopqrstuvwxyz";

export function simulatedTarget(
  serverSecret: Buffer,
  pool: { id: string; config: PoolConfig },
  username: string,
): DeliveryTarget | null {
  const auto = autoVerified(pool.config);
  const media: Medium[] = [];
  if (auto.phone) media.push("phone_number");
  if (auto.email) media.push("email");
  return simulate(serverSecret, pool.id, username, media);
}

/**
 * ForgotPassword's simulated answer: the media the pool recovers accounts through, in its
 * priority order (docs/recovery.md). Of the legacy order (phone, then email) only what the
 * pool verifies counts, since its users can have no other verified medium.
 */
export function simulatedRecoveryTarget(
  serverSecret: Buffer,
  pool: { id: string; config: PoolConfig },
  username: string,
): DeliveryTarget | null {
  const mechanisms = recoveryMechanisms(pool.config);
  if (mechanisms === "admin_only") return null;
  let media: Medium[] = mechanisms.map((m) => (m === "verified_email" ? "email" : "phone_number"));
  if (!pool.config.AccountRecoverySetting?.RecoveryMechanisms?.length) {
    const auto = autoVerified(pool.config);
    const verified = media.filter((m) => (m === "email" ? auto.email : auto.phone));
    if (verified.length > 0) media = verified;
  }
  return simulate(serverSecret, pool.id, username, media);
}

type Medium = "email" | "phone_number";

/** `media`: what a real user may be reached by, most preferred first. */
function simulate(
  serverSecret: Buffer,
  poolId: string,
  username: string,
  media: readonly Medium[],
): DeliveryTarget | null {
  if (media.length === 0) return null;
  const email = media.includes("email");
  const phone = media.includes("phone_number");
  if (looksLikeEmail(username) && email) {
    return { medium: "EMAIL", attributeName: "email", destination: username };
  }
  if (looksLikePhone(username) && phone) {
    return { medium: "SMS", attributeName: "phone_number", destination: username };
  }
  const h = createHmac("sha256", serverSecret).update(`simulated\u0000${poolId}\u0000${username}`).digest();
  const byte = (i: number) => h[i] ?? 0;
  if (media[0] === "phone_number") {
    let digits = "1";
    for (let i = 0; i < 10; i++) digits += String(byte(i) % 10);
    return { medium: "SMS", attributeName: "phone_number", destination: `+${digits}` };
  }
  const local = LETTERS[byte(0) % 26] ?? "a";
  const domain = LETTERS[byte(1) % 26] ?? "e";
  // The mask shows the first character of each side only, so the rest is filler.
  return { medium: "EMAIL", attributeName: "email", destination: `${local}x@${domain}x.com` };
}
