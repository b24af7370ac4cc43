// Token signing keys: RSA-2048 pairs (one for ID tokens, one for access tokens, per pool),
// their `kid`, the JWKS document, and the private key sealed for storage
// (docs/signin-internals.md, "Signing keys").
import { createHash } from "node:crypto";
import {
  type CryptoKey,
  exportJWK,
  exportPKCS8,
  exportSPKI,
  generateKeyPair,
  importJWK,
  importPKCS8,
} from "jose";
import type { Random } from "../ids.js";
import { decodeBase64Strict, seal, unseal } from "../seal.js";

export const ALG = "RS256";

/** Which tokens a key signs: Cognito gives each of the two its own key pair. */
export type KeyUse = "id" | "access";

export interface RsaPublicJwk {
  kty: "RSA";
  n: string;
  e: string;
}

export interface SigningKeyRecord {
  kid: string;
  use: KeyUse;
  publicJwk: RsaPublicJwk;
  /** PKCS#8 PEM. Seal it (sealPrivateKey) before it is stored. */
  privatePkcs8: string;
}

/**
 * base64 (standard, padded: 44 characters) of SHA-256 over the public key's SPKI DER — the
 * shape of Cognito's kids, and stable for a key wherever it is loaded.
 */
export function kidOf(spkiDer: Buffer): string {
  return createHash("sha256").update(spkiDer).digest("base64");
}

function spkiDerFromPem(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, ""), "base64");
}

/**
 * A new RSA-2048 key pair. The randomness is the platform's (WebCrypto), not the injected
 * Random: a key pair cannot be drawn from a caller's byte source through WebCrypto.
 */
export async function generateSigningKey(use: KeyUse): Promise<SigningKeyRecord> {
  const { publicKey, privateKey } = await generateKeyPair(ALG, { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(publicKey);
  if (jwk.kty !== "RSA" || typeof jwk.n !== "string" || typeof jwk.e !== "string") {
    throw new Error("generateKeyPair did not give an RSA key");
  }
  return {
    kid: kidOf(spkiDerFromPem(await exportSPKI(publicKey))),
    use,
    publicJwk: { kty: "RSA", n: jwk.n, e: jwk.e },
    privatePkcs8: await exportPKCS8(privateKey),
  };
}

/**
 * One JWKS entry; members in alphabetical order, as Cognito's JWKS lists them. A type, not an
 * interface, so that it is assignable to JSON-object types (verifiers' `Jwk`).
 */
export type JwksKey = {
  alg: typeof ALG;
  e: string;
  kid: string;
  kty: "RSA";
  n: string;
  use: "sig";
};

/** The document at /{poolId}/.well-known/jwks.json: every key whose tokens may still be alive. */
export function renderJwks(keys: readonly Pick<SigningKeyRecord, "kid" | "publicJwk">[]): {
  keys: JwksKey[];
} {
  return {
    keys: keys.map((k) => ({
      alg: ALG,
      e: k.publicJwk.e,
      kid: k.kid,
      kty: "RSA",
      n: k.publicJwk.n,
      use: "sig",
    })),
  };
}

// The kid is bound into the seal, so a sealed private key cannot be swapped onto another row.
const aad = (kid: string) => Buffer.from(`cognate:signing-key:v1:${kid}`, "utf8");

/** The private key sealed for storage (key: deriveSealKey(serverSecret, "signing-key")). */
export function sealPrivateKey(
  key: Buffer,
  random: Random,
  record: Pick<SigningKeyRecord, "kid" | "privatePkcs8">,
): string {
  return seal(key, random, Buffer.from(record.privatePkcs8, "utf8"), aad(record.kid)).bytes.toString(
    "base64",
  );
}

/** The PKCS#8 PEM, or null when the sealed value is not this kid's key under this secret. */
export function unsealPrivateKey(key: Buffer, kid: string, sealed: string): string | null {
  const bytes = decodeBase64Strict(sealed);
  const opened = bytes === null ? null : unseal(key, bytes, aad(kid));
  return opened === null ? null : opened.plaintext.toString("utf8");
}

/** A private key ready to sign; load once per key and keep. */
export interface Signer {
  kid: string;
  key: CryptoKey;
}

export async function loadSigner(record: Pick<SigningKeyRecord, "kid" | "privatePkcs8">): Promise<Signer> {
  return { kid: record.kid, key: await importPKCS8(record.privatePkcs8, ALG) };
}

/** Public keys by kid, ready to verify; build once per pool's key set and keep. */
export type KeyRing = ReadonlyMap<string, CryptoKey>;

export async function loadKeyRing(
  keys: readonly Pick<SigningKeyRecord, "kid" | "publicJwk">[],
): Promise<KeyRing> {
  const ring = new Map<string, CryptoKey>();
  for (const k of keys) {
    const imported = await importJWK({ ...k.publicJwk, alg: ALG }, ALG);
    if (imported instanceof Uint8Array) throw new Error("an RSA JWK imported as a secret");
    ring.set(k.kid, imported);
  }
  return ring;
}
