// SRP verifiers: v = g^x with x = H(PAD(salt) ‖ H(realm ‖ userId ‖ ":" ‖ password)).
// For a user the realm is the pool name and the userId the internal username; for a
// remembered device the realm is the DeviceGroupKey and the userId the DeviceKey
// (docs/signin-internals.md, "SRP" and "Device SRP").
import { timingSafeEqual } from "node:crypto";
import type { Random } from "../ids.js";
import {
  fromBytes,
  G,
  hex,
  modPow,
  N,
  N_BYTES,
  pad,
  padHex,
  parseHexInt,
  sha256,
  toFixedBytes,
} from "./group.js";

/** Who a verifier belongs to, as the two strings that enter x and the claim signature. */
export interface SrpIdentity {
  realm: string;
  userId: string;
}

/**
 * The pool name clients use in SRP: the part of the pool id after the underscore. Written as
 * the clients write it (`poolId.split("_")[1]`), so an odd id still agrees with them.
 */
export function poolName(poolId: string): string {
  return poolId.split("_")[1] ?? "";
}

export function userIdentity(poolId: string, username: string): SrpIdentity {
  return { realm: poolName(poolId), userId: username };
}

export function deviceIdentity(deviceGroupKey: string, deviceKey: string): SrpIdentity {
  return { realm: deviceGroupKey, userId: deviceKey };
}

/** What is kept per user (or device) instead of a password: lowercase hex integers. */
export interface StoredVerifier {
  /** The salt as the SALT challenge parameter carries it (hex of the integer, unpadded). */
  salt: string;
  /** v, hex of the integer, unpadded. */
  verifier: string;
}

export function computeX(salt: bigint, id: SrpIdentity, password: string): bigint {
  const inner = sha256(Buffer.from(`${id.realm}${id.userId}:${password}`, "utf8"));
  return fromBytes(sha256(pad(salt), inner));
}

export function computeVerifier(salt: bigint, id: SrpIdentity, password: string): bigint {
  return modPow(G, computeX(salt, id, password));
}

/** A fresh 16-byte salt and its verifier: computed whenever a password is set. */
export function createVerifier(random: Random, id: SrpIdentity, password: string): StoredVerifier {
  const salt = drawSalt(random);
  return { salt: hex(salt), verifier: hex(computeVerifier(salt, id, password)) };
}

/** A fresh non-zero 16-byte salt. */
export function drawSalt(random: Random): bigint {
  let salt = 0n;
  while (salt === 0n) salt = fromBytes(random.bytes(16));
  return salt;
}

/** The stored hex values as integers, or null when they are not a usable verifier. */
export function parseVerifier(v: StoredVerifier): { salt: bigint; verifier: bigint } | null {
  const salt = parseHexInt(v.salt, 128);
  const verifier = parseHexInt(v.verifier);
  if (salt === null || verifier === null) return null;
  if (verifier % N === 0n || verifier >= N) return null;
  return { salt, verifier };
}

/**
 * Whether `password` produces the stored verifier (one exponentiation): lets a password flow
 * check a user who has only a verifier. Compared in constant time.
 */
export function passwordMatchesVerifier(stored: StoredVerifier, id: SrpIdentity, password: string): boolean {
  const parsed = parseVerifier(stored);
  if (parsed === null) return false;
  const expected = toFixedBytes(parsed.verifier, N_BYTES);
  const actual = toFixedBytes(computeVerifier(parsed.salt, id, password), N_BYTES);
  return timingSafeEqual(expected, actual);
}

/**
 * A short tag of a verifier, sealed into a SECRET_BLOCK so that a proof made against a
 * password that has changed since the challenge is refused.
 */
export function verifierTag(v: StoredVerifier): string {
  return sha256(Buffer.from(`${v.salt}:${v.verifier}`, "utf8"))
    .subarray(0, 12)
    .toString("base64url");
}

// ---- Device verifiers (ConfirmDevice's DeviceSecretVerifierConfig) ----

/** The wire shape of DeviceSecretVerifierConfigType. */
export interface DeviceSecretVerifierConfig {
  PasswordVerifier?: string;
  Salt?: string;
}

export type DeviceVerifierParse = { kind: "ok"; verifier: StoredVerifier } | { kind: "invalid" };

/**
 * Reads the verifier a client sends to ConfirmDevice: both members are base64 of PAD bytes
 * (what amazon-cognito-identity-js and Amplify send). The salt goes back to the client as the
 * hex of the same integer in DEVICE_PASSWORD_VERIFIER's SALT.
 */
export function parseDeviceVerifierConfig(config: DeviceSecretVerifierConfig): DeviceVerifierParse {
  if (config.PasswordVerifier === undefined || config.Salt === undefined) return { kind: "invalid" };
  const v = decodeBase64Any(config.PasswordVerifier);
  const s = decodeBase64Any(config.Salt);
  if (v === null || s === null || v.length > N_BYTES + 1 || s.length > 64) return { kind: "invalid" };
  const verifier = fromBytes(v);
  const salt = fromBytes(s);
  if (salt === 0n || verifier === 0n || verifier >= N) return { kind: "invalid" };
  return { kind: "ok", verifier: { salt: hex(salt), verifier: hex(verifier) } };
}

/** Standard or URL-safe base64, padded or not (clients differ); anything else is refused. */
function decodeBase64Any(s: string): Buffer | null {
  if (s.length === 0 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(s)) return null;
  return Buffer.from(s, "base64");
}

/**
 * What a client does before ConfirmDevice: a random device password (base64 of 40 bytes), a
 * 16-byte salt and the verifier for (DeviceGroupKey, DeviceKey). For tests and the CLI.
 */
export function createDeviceVerifier(
  random: Random,
  deviceGroupKey: string,
  deviceKey: string,
): { config: Required<DeviceSecretVerifierConfig>; devicePassword: string } {
  const devicePassword = random.bytes(40).toString("base64");
  let salt = 0n;
  while (salt === 0n) salt = fromBytes(random.bytes(16));
  const v = computeVerifier(salt, deviceIdentity(deviceGroupKey, deviceKey), devicePassword);
  return {
    config: {
      PasswordVerifier: Buffer.from(padHex(v), "hex").toString("base64"),
      Salt: Buffer.from(padHex(salt), "hex").toString("base64"),
    },
    devicePassword,
  };
}
