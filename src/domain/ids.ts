// Identifier formats that match Cognito's, so clients that check them accept ours.
import { randomBytes, randomInt, randomUUID } from "node:crypto";

const ALNUM = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER_ALNUM = "0123456789abcdefghijklmnopqrstuvwxyz";

/** The source of randomness, injected so tests can make ids deterministic. */
export interface Random {
  /** A uniformly random string of `length` characters from `alphabet`. */
  string(alphabet: string, length: number): string;
  uuid(): string;
  /** A uniform integer in [0, max). */
  int(max: number): number;
  bytes(n: number): Buffer;
}

export const cryptoRandom: Random = {
  string(alphabet, length) {
    let out = "";
    for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
    return out;
  },
  uuid: () => randomUUID(),
  int: (max) => randomInt(max),
  bytes: (n) => randomBytes(n),
};

/** `us-east-1_AbC123xyz`: amazon-cognito-identity-js requires /^[\w-]+_[0-9a-zA-Z]+$/. */
export function newPoolId(random: Random, region: string): string {
  return `${region}_${random.string(ALNUM, 9)}`;
}

/** 26 lowercase alphanumerics, like Cognito app-client ids. */
export function newClientId(random: Random): string {
  return random.string(LOWER_ALNUM, 26);
}

/** 51 lowercase alphanumerics, like Cognito app-client secrets (model: 24..64, [\w+]+). */
export function newClientSecret(random: Random): string {
  return random.string(LOWER_ALNUM, 51);
}

export function poolArn(region: string, accountId: string, poolId: string): string {
  return `arn:aws:cognito-idp:${region}:${accountId}:userpool/${poolId}`;
}

/** The region a pool id belongs to (the part before the underscore). */
export function regionOfPool(poolId: string): string {
  const i = poolId.indexOf("_");
  return i > 0 ? poolId.slice(0, i) : poolId;
}

/**
 * A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Used for rows that
 * are only ever appended (messages, auth events): ids that grow with time keep the database's
 * id index appending at its end instead of touching a random page per insert.
 */
export function timeOrderedId(random: Random, now: number): string {
  // A v4 UUID's random bits (cheap: Node draws them from a cached entropy pool) under a
  // v7 timestamp and version.
  const b = Buffer.from(random.uuid().replaceAll("-", ""), "hex");
  const ms = Math.max(0, Math.floor(now));
  b[0] = Math.floor(ms / 2 ** 40) & 0xff;
  b[1] = Math.floor(ms / 2 ** 32) & 0xff;
  b[2] = (ms >>> 24) & 0xff;
  b[3] = (ms >>> 16) & 0xff;
  b[4] = (ms >>> 8) & 0xff;
  b[5] = ms & 0xff;
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x70;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
