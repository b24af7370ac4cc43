// The keys that seal the SECRET_BLOCK and the Session (src/domain/seal.ts), derived from the
// server secret once per process.
import { deriveSealKey, type SealPurpose } from "../../domain/seal.js";

const cache = new WeakMap<Buffer, Map<SealPurpose, Buffer>>();

export function sealKey(
  serverSecret: Buffer,
  purpose: "srp-secret-block" | "custom-srp-secret-block" | "auth-session" | "totp-secret",
): Buffer {
  let keys = cache.get(serverSecret);
  if (!keys) {
    keys = new Map();
    cache.set(serverSecret, keys);
  }
  let k = keys.get(purpose);
  if (!k) {
    k = deriveSealKey(serverSecret, purpose);
    keys.set(purpose, k);
  }
  return k;
}
