// Refresh tokens: opaque to every client, shaped like Cognito's — five base64url segments
// under the header {"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"} — but sealed with the
// server's symmetric key, not RSA (docs/signin-internals.md, "Refresh tokens"). The header is
// cosmetic and authenticated; the second segment is a per-token salt for the content key.
//
// The token names a server-side record (`tokenId`) that the caller keeps for revocation and
// rotation: a token whose record is revoked or gone is refused by the caller.
import { createCipheriv, createDecipheriv, hkdfSync } from "node:crypto";
import { z } from "zod";
import type { Random } from "../ids.js";
import { decodeBase64UrlStrict } from "../seal.js";

const HEADER = Buffer.from(JSON.stringify({ cty: "JWT", enc: "A256GCM", alg: "RSA-OAEP" }), "utf8").toString(
  "base64url",
);

const payloadSchema = z.object({
  v: z.literal(1),
  /** The record id (revocation, rotation). */
  tid: z.string(),
  pool: z.string(),
  client: z.string(),
  /** The internal username. */
  user: z.string(),
  /** origin_jti of the sign-in, shared by every token refreshed from it. */
  ojti: z.string(),
  /** auth_time of the sign-in, epoch ms. */
  at: z.number(),
  /** event_id of the sign-in. */
  eid: z.string(),
  /** The remembered device the sign-in was on; refresh must present the same DEVICE_KEY. */
  dev: z.string().optional(),
  iat: z.number(),
  exp: z.number(),
});

export interface RefreshTokenState {
  tokenId: string;
  poolId: string;
  clientId: string;
  username: string;
  originJti: string;
  authTime: number;
  eventId: string;
  deviceKey?: string;
  issuedAt: number;
  expiresAt: number;
}

function contentKey(key: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync("sha256", key, salt, "cognate:refresh-token:v1", 32));
}

/** A refresh token for `state`; key: deriveSealKey(serverSecret, "refresh-token"). */
export function issueRefreshToken(key: Buffer, random: Random, state: RefreshTokenState): string {
  const salt = random.bytes(32);
  const iv = random.bytes(12);
  const payload: z.infer<typeof payloadSchema> = {
    v: 1,
    tid: state.tokenId,
    pool: state.poolId,
    client: state.clientId,
    user: state.username,
    ojti: state.originJti,
    at: state.authTime,
    eid: state.eventId,
    ...(state.deviceKey === undefined ? {} : { dev: state.deviceKey }),
    iat: state.issuedAt,
    exp: state.expiresAt,
  };
  const cipher = createCipheriv("aes-256-gcm", contentKey(key, salt), iv);
  cipher.setAAD(Buffer.from(HEADER, "ascii"));
  const body = Buffer.concat([cipher.update(JSON.stringify(payload), "utf8"), cipher.final()]);
  return [HEADER, salt, iv, body, cipher.getAuthTag()]
    .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
    .join(".");
}

export type RefreshTokenOpen =
  | { kind: "ok"; state: RefreshTokenState }
  /** Not a token of this server, or altered: `Invalid Refresh Token.` */
  | { kind: "invalid" }
  /** Genuine but issued to another pool or client: `Invalid Refresh Token.` */
  | { kind: "foreign-pool" }
  | { kind: "foreign-client" }
  /** Past its lifetime (message: an open question, docs/signin-internals.md). */
  | { kind: "expired"; state: RefreshTokenState };

export function openRefreshToken(
  key: Buffer,
  token: string,
  expected: { poolId: string; clientId: string },
  now: number,
): RefreshTokenOpen {
  const parts = token.split(".");
  if (parts.length !== 5 || parts[0] !== HEADER) return { kind: "invalid" };
  const [salt, iv, body, tag] = parts.slice(1).map(decodeBase64UrlStrict);
  if (!salt || !iv || !body || !tag || salt.length !== 32 || iv.length !== 12 || tag.length !== 16) {
    return { kind: "invalid" };
  }
  let json: unknown;
  try {
    const decipher = createDecipheriv("aes-256-gcm", contentKey(key, salt), iv);
    decipher.setAAD(Buffer.from(HEADER, "ascii"));
    decipher.setAuthTag(tag);
    json = JSON.parse(Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8"));
  } catch {
    return { kind: "invalid" };
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success) return { kind: "invalid" };
  const p = parsed.data;
  if (p.pool !== expected.poolId) return { kind: "foreign-pool" };
  if (p.client !== expected.clientId) return { kind: "foreign-client" };
  const state: RefreshTokenState = {
    tokenId: p.tid,
    poolId: p.pool,
    clientId: p.client,
    username: p.user,
    originJti: p.ojti,
    authTime: p.at,
    eventId: p.eid,
    issuedAt: p.iat,
    expiresAt: p.exp,
  };
  if (p.dev !== undefined) state.deviceKey = p.dev;
  if (now >= p.exp) return { kind: "expired", state };
  return { kind: "ok", state };
}
