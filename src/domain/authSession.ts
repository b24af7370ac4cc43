// The `Session` string of a sign-in that needs another step (NEW_PASSWORD_REQUIRED, MFA,
// CUSTOM_CHALLENGE, device SRP, …): the sign-in's state sealed into the string itself, so
// that any node can continue it without shared memory (docs/signin-internals.md, "Session").
// Clients never look inside (the model gives it no pattern, 20..2048 characters).
//
// Single use: the caller records `id` when it accepts a session (each step returns a new
// one, and the old one is dead), and refuses an id it has seen.
import { z } from "zod";
import type { Random } from "./ids.js";
import { decodeBase64Strict, SEAL_OVERHEAD, seal, unseal } from "./seal.js";

const AAD = Buffer.from("cognate:auth-session:v1", "utf8");

/** SessionType's maximum length (model). */
export const SESSION_MAX_LENGTH = 2048;

/** ChallengeNameType (model). */
const CHALLENGES = [
  "SMS_MFA",
  "EMAIL_OTP",
  "SOFTWARE_TOKEN_MFA",
  "SELECT_MFA_TYPE",
  "MFA_SETUP",
  "PASSWORD_VERIFIER",
  "CUSTOM_CHALLENGE",
  "SELECT_CHALLENGE",
  "DEVICE_SRP_AUTH",
  "DEVICE_PASSWORD_VERIFIER",
  "ADMIN_NO_SRP_AUTH",
  "NEW_PASSWORD_REQUIRED",
  "SMS_OTP",
  "PASSWORD",
  "WEB_AUTHN",
  "PASSWORD_SRP",
] as const;

/** AuthFlowType (model). */
const FLOWS = [
  "USER_SRP_AUTH",
  "REFRESH_TOKEN_AUTH",
  "REFRESH_TOKEN",
  "CUSTOM_AUTH",
  "ADMIN_NO_SRP_AUTH",
  "USER_PASSWORD_AUTH",
  "ADMIN_USER_PASSWORD_AUTH",
  "USER_AUTH",
] as const;

/** One element of DefineAuthChallenge's `request.session` array. */
const customStep = z.object({
  challengeName: z.string(),
  challengeResult: z.boolean(),
  challengeMetadata: z.string().optional(),
});

const stateSchema = z.object({
  /** The challenge this session answers: RespondToAuthChallenge's ChallengeName must be it. */
  challenge: z.enum(CHALLENGES),
  poolId: z.string(),
  clientId: z.string(),
  /** The internal username. */
  username: z.string(),
  /** The AuthFlow the sign-in started with. */
  flow: z.enum(FLOWS),
  /** Whether the sign-in came through the Admin operations (their sessions are not interchangeable). */
  admin: z.boolean(),
  /** When the sign-in started (epoch ms); the same in every session of one sign-in. */
  startedAt: z.number(),
  /** Wrong answers so far in this sign-in (MFA codes, custom challenges). */
  failedAttempts: z.number().int().min(0),
  /** PreventUserExistenceErrors: a sign-in for a name with no user, carried to its failure. */
  userNotFound: z.boolean().optional(),
  /** DEVICE_KEY sent with the sign-in. */
  deviceKey: z.string().optional(),
  /** A tag of the user's credentials when the session was issued (e.g. verifierTag); a change ends it. */
  userTag: z.string().optional(),
  /** CUSTOM_AUTH: the challenges answered so far (DefineAuthChallenge's session). */
  customSteps: z.array(customStep).optional(),
  /** CUSTOM_AUTH: the open challenge's private parameters and metadata (never sent in clear). */
  privateChallengeParameters: z.record(z.string(), z.string()).optional(),
  challengeMetadata: z.string().optional(),
  /** SELECT_MFA_TYPE / MFA_SETUP: the choices offered. */
  mfaOptions: z.array(z.string()).optional(),
  /** SMS_MFA / EMAIL_OTP / SMS_OTP: the one-time code record the answer is checked against. */
  codeId: z.string().optional(),
  /** MFA_SETUP: the TOTP secret given by AssociateSoftwareToken, until VerifySoftwareToken. */
  totpSecret: z.string().optional(),
  /** MFA_SETUP: VerifySoftwareToken accepted a code; RespondToAuthChallenge may finish. */
  mfaSetupVerified: z.boolean().optional(),
  /** MFA_SETUP with EMAIL: the address the EMAIL_OTP code went to, the user's once it is right. */
  setupEmail: z.string().optional(),
});

export type AuthSessionState = z.infer<typeof stateSchema>;
export type CustomAuthStep = z.infer<typeof customStep>;

const envelope = z.object({ s: stateSchema, i: z.number(), e: z.number() });

export type IssuedSession =
  | { kind: "ok"; session: string; id: string; expiresAt: number }
  /** The state does not fit in 2048 characters (e.g. very large custom challenge parameters). */
  | { kind: "too-large"; length: number };

/**
 * Seals a session valid for `validityMs` (the client's AuthSessionValidity, 3–15 minutes).
 */
export function issueSession(
  key: Buffer,
  random: Random,
  state: AuthSessionState,
  now: number,
  validityMs: number,
): IssuedSession {
  const expiresAt = now + validityMs;
  const plaintext = Buffer.from(JSON.stringify({ s: state, i: now, e: expiresAt }), "utf8");
  const length = Math.ceil((plaintext.length + SEAL_OVERHEAD) / 3) * 4;
  if (length > SESSION_MAX_LENGTH) return { kind: "too-large", length };
  const sealed = seal(key, random, plaintext, AAD);
  return { kind: "ok", session: sealed.bytes.toString("base64"), id: sealed.id, expiresAt };
}

export type SessionOpen =
  | { kind: "ok"; state: AuthSessionState; id: string; issuedAt: number; expiresAt: number }
  /** Not a session this server sealed, or altered: `Invalid session for the user.` */
  | { kind: "tampered" }
  /** Another pool's or another client's session: `Invalid session for the user.` */
  | { kind: "foreign-pool" }
  | { kind: "foreign-client" }
  /** `Invalid session for the user, session is expired.` */
  | { kind: "expired" };

export function openSession(
  key: Buffer,
  session: string,
  expected: { poolId: string; clientId: string },
  now: number,
): SessionOpen {
  const bytes = decodeBase64Strict(session);
  const opened = bytes === null ? null : unseal(key, bytes, AAD);
  if (opened === null) return { kind: "tampered" };
  let json: unknown;
  try {
    json = JSON.parse(opened.plaintext.toString("utf8"));
  } catch {
    return { kind: "tampered" };
  }
  const parsed = envelope.safeParse(json);
  if (!parsed.success) return { kind: "tampered" };
  const { s, i, e } = parsed.data;
  if (s.poolId !== expected.poolId) return { kind: "foreign-pool" };
  if (s.clientId !== expected.clientId) return { kind: "foreign-client" };
  if (now >= e) return { kind: "expired" };
  return { kind: "ok", state: s, id: opened.id, issuedAt: i, expiresAt: e };
}

/**
 * The pool and client a session belongs to, for the operations that take a Session without a
 * ClientId (AssociateSoftwareToken, VerifySoftwareToken); null when it is not one of ours.
 * `openSession` then checks it in full.
 */
export function sessionOwner(key: Buffer, session: string): { poolId: string; clientId: string } | null {
  const bytes = decodeBase64Strict(session);
  const opened = bytes === null ? null : unseal(key, bytes, AAD);
  if (opened === null) return null;
  try {
    const parsed = envelope.safeParse(JSON.parse(opened.plaintext.toString("utf8")));
    return parsed.success ? { poolId: parsed.data.s.poolId, clientId: parsed.data.s.clientId } : null;
  } catch {
    return null;
  }
}
