// SecretHash = Base64(HMAC-SHA256(key = client secret, message = Username + ClientId)),
// where Username is exactly what the caller sent (developer guide, "Computing secret hash
// values"). Compared in constant time.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export function computeSecretHash(clientSecret: string, username: string, clientId: string): string {
  return createHmac("sha256", clientSecret)
    .update(username + clientId, "utf8")
    .digest("base64");
}

export type SecretHashCheck = { kind: "ok" } | { kind: "missing" } | { kind: "mismatch" };

export function checkSecretHash(
  clientSecret: string | null,
  username: string,
  clientId: string,
  provided: string | undefined,
): SecretHashCheck {
  // A client without a secret ignores a SecretHash it is sent (docs/behaviour.md "SecretHash").
  if (clientSecret === null) return { kind: "ok" };
  if (provided === undefined) return { kind: "missing" };
  const expected = Buffer.from(computeSecretHash(clientSecret, username, clientId), "utf8");
  const given = Buffer.from(provided, "utf8");
  if (expected.length !== given.length) {
    // Still spend a comparison so the time does not depend on where the input is wrong.
    timingSafeEqual(expected, expected);
    return { kind: "mismatch" };
  }
  return timingSafeEqual(expected, given) ? { kind: "ok" } : { kind: "mismatch" };
}

/**
 * A raw client secret as GetTokensFromRefreshToken and RevokeToken take it (no hash): compared
 * in constant time, over digests so that the length of the secret does not show either.
 */
export function clientSecretMatches(secret: string, provided: string): boolean {
  const a = createHash("sha256").update(secret, "utf8").digest();
  const b = createHash("sha256").update(provided, "utf8").digest();
  return timingSafeEqual(a, b);
}
