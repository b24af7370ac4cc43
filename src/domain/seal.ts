// Authenticated encryption for the opaque strings the server hands out and must read back on
// any node (SRP SECRET_BLOCK, challenge Session, refresh tokens) and for secrets at rest
// (signing keys, TOTP secrets). docs/signin-internals.md, "Sealed strings".
//
// Layout: version (1 byte) ‖ id (16 random bytes) ‖ AES-256-GCM ciphertext ‖ tag (16 bytes).
// Each message is encrypted under its own key, HMAC-SHA256(purposeKey, id): with a fresh key
// per message, nonce reuse cannot happen however many messages one server secret seals (a
// random 96-bit GCM nonce under one key would wear out after ~2^32 messages). The id is also
// what a caller records to make a string single-use.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from "node:crypto";
import type { Random } from "./ids.js";

const VERSION = 1;
const ID_BYTES = 16;
const TAG_BYTES = 16;
const OVERHEAD = 1 + ID_BYTES + TAG_BYTES;

/** What a key is for: each purpose gets its own key, so one kind of string never opens as another. */
export type SealPurpose =
  | "srp-secret-block"
  | "custom-srp-secret-block"
  | "auth-session"
  | "refresh-token"
  | "signing-key"
  | "totp-secret";

/** A 32-byte key for one purpose, derived (HKDF-SHA256) from the server secret. */
export function deriveSealKey(serverSecret: Buffer, purpose: SealPurpose): Buffer {
  return Buffer.from(hkdfSync("sha256", serverSecret, "cognate-seal-v1", purpose, 32));
}

export interface Sealed {
  bytes: Buffer;
  /** base64url of the 16-byte message id: unique per sealed message. */
  id: string;
}

function messageKey(key: Buffer, id: Buffer): Buffer {
  return createHmac("sha256", key).update(id).digest();
}

/** Encrypts and authenticates `plaintext`; `aad` is authenticated but not stored. */
export function seal(key: Buffer, random: Random, plaintext: Buffer, aad: Buffer): Sealed {
  const id = random.bytes(ID_BYTES);
  const head = Buffer.concat([Buffer.from([VERSION]), id]);
  const cipher = createCipheriv("aes-256-gcm", messageKey(key, id), id.subarray(0, 12));
  cipher.setAAD(Buffer.concat([head, aad]));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { bytes: Buffer.concat([head, body, cipher.getAuthTag()]), id: id.toString("base64url") };
}

/** The plaintext and id, or null when the bytes are not a message sealed under `key` with `aad`. */
export function unseal(key: Buffer, bytes: Buffer, aad: Buffer): { plaintext: Buffer; id: string } | null {
  if (bytes.length < OVERHEAD || bytes[0] !== VERSION) return null;
  const id = bytes.subarray(1, 1 + ID_BYTES);
  const head = bytes.subarray(0, 1 + ID_BYTES);
  const body = bytes.subarray(1 + ID_BYTES, bytes.length - TAG_BYTES);
  const tag = bytes.subarray(bytes.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv("aes-256-gcm", messageKey(key, id), id.subarray(0, 12));
    decipher.setAAD(Buffer.concat([head, aad]));
    decipher.setAuthTag(tag);
    const plaintext = Buffer.concat([decipher.update(body), decipher.final()]);
    return { plaintext, id: Buffer.from(id).toString("base64url") };
  } catch {
    return null;
  }
}

/** Bytes added to a plaintext by `seal`. */
export const SEAL_OVERHEAD = OVERHEAD;

/**
 * Strict standard base64 (with padding) to bytes, or null. Node's own decoder skips characters
 * it does not know; a sealed string that was altered must not open by accident.
 */
export function decodeBase64Strict(s: string): Buffer | null {
  if (s.length === 0 || s.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(s)) return null;
  const b = Buffer.from(s, "base64");
  return b.toString("base64") === s ? b : null;
}

/** Strict unpadded base64url to bytes, or null. */
export function decodeBase64UrlStrict(s: string): Buffer | null {
  if (s.length === 0 || !/^[A-Za-z0-9_-]+$/.test(s)) return null;
  const b = Buffer.from(s, "base64url");
  return b.toString("base64url") === s ? b : null;
}
