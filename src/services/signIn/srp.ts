// USER_SRP_AUTH → PASSWORD_VERIFIER (docs/signin-challenges.md, "SRP sign-in"; the math is
// src/domain/srp/). InitiateAuth (or AdminInitiateAuth) answers the challenge with its five
// parameters and no Session: the handshake's state travels sealed in SECRET_BLOCK, which the
// answer returns verbatim (PASSWORD_CLAIM_SECRET_BLOCK), so any node can finish it, once, for
// the client's AuthSessionValidity. USER_ID_FOR_SRP is the internal username.
//
// The checks are the password flow's, in the same order; every failure of the proof
// (signature, SECRET_BLOCK altered, expired or replayed, TIMESTAMP malformed, USERNAME not the
// challenged user) answers exactly like a wrong password. A user whose password predates
// stored verifiers gets a challenge over a stand-in verifier and fails like a wrong password
// (their next password-flow sign-in stores a verifier). Names with no user under
// PreventUserExistenceErrors get the same salt and USER_ID_FOR_SRP on every probe
// (src/domain/srp/simulated.ts), and fail at the answer.
import { nameKey } from "../../domain/attributes.js";
import { caseInsensitive } from "../../domain/pool.js";
import { issueSecretBlock, openSecretBlock } from "../../domain/secretBlock.js";
import { N, parseHexInt } from "../../domain/srp/group.js";
import { verifyPasswordClaim } from "../../domain/srp/server.js";
import { simulatedSrpUser } from "../../domain/srp/simulated.js";
import { parseTimestamp } from "../../domain/srp/timestamp.js";
import { type StoredVerifier, userIdentity, verifierTag } from "../../domain/srp/verifier.js";
import { usernameKey } from "../../domain/usernames.js";
import type { Deps } from "../../operations/deps.js";
import { serverChallengeVia } from "../../ports/srpMath.js";
import type { DeviceRecord, UserRecord } from "../../ports/store/index.js";
import { fail, messages } from "../../protocol/errors.js";
import type { TokenDeps } from "../tokens/index.js";
import { findUser } from "../users.js";
import { requireNewPassword } from "./challenges.js";
import { completeSignIn } from "./complete.js";
import { deviceSkipsMfa, mfaChallenged, requireDeviceSrp, signInDevice } from "./devices.js";
import { recordFailure } from "./events.js";
import { requireParameter } from "./flows.js";
import {
  checkNotLockedOut,
  clearFailures,
  countFailure,
  runPreAuthentication,
  simulateCountedFailure,
} from "./guards.js";
import { PASSWORD_STEPS } from "./mfaAttempts.js";
import { requireMfa } from "./mfaStep.js";
import { checkSignInSecret, SIGN_IN_MESSAGES } from "./password.js";
import { refuseDisabled, refuseUnconfirmed } from "./refusals.js";
import type { Opened, OpenedRespond, OpenedSignIn, SignInResponse } from "./request.js";
import { sealKey } from "./sealKeys.js";
import { authSessionValidityMs, consumeOnce } from "./session.js";

export type SrpDeps = TokenDeps & Pick<Deps, "serverSecret" | "latency" | "srpMath" | "delivery">;

/** The key under which the latency mirror keeps the SRP answer's times (src/services/latency.ts). */
const LATENCY_KEY = "SignIn.srpAnswer";

/** SRP_A that is not a hex integer, or is 0 mod N (which would let anyone pass). */
export const INVALID_SRP_A = "SRP_A is not a valid SRP value.";

function refuseIncorrect(): never {
  fail("NotAuthorizedException", SIGN_IN_MESSAGES.incorrect);
}

/**
 * Which key seals the SECRET_BLOCK: USER_SRP_AUTH's, or CUSTOM_AUTH's (src/services/signIn/customSrp.ts).
 * A block of one flow never opens in the other, so a proof made inside CUSTOM_AUTH cannot be
 * answered as a plain USER_SRP_AUTH to skip the custom challenges.
 */
export type SecretBlockPurpose = "srp-secret-block" | "custom-srp-secret-block";

/** The PASSWORD_VERIFIER challenge for `username` over `verifier`. */
export async function passwordVerifierChallenge(
  deps: SrpDeps,
  s: Opened,
  username: string,
  verifier: StoredVerifier,
  srpA: string,
  purpose: SecretBlockPurpose = "srp-secret-block",
): Promise<SignInResponse> {
  const c = await serverChallengeVia(deps.srpMath, deps.random, verifier, srpA);
  if (c.kind === "invalid-a") fail("InvalidParameterException", INVALID_SRP_A);
  // A stored verifier that does not parse is a corrupt record: a server fault, not the caller's.
  if (c.kind === "invalid-verifier") throw new Error("unusable SRP verifier in the store");
  const { secretBlock } = issueSecretBlock(sealKey(deps.serverSecret, purpose), deps.random, {
    challenge: "PASSWORD_VERIFIER",
    poolId: s.pool.id,
    clientId: s.client.clientId,
    username,
    key: c.key,
    verifierTag: verifierTag(verifier),
    issuedAt: deps.clock.now(),
  });
  return {
    ChallengeName: "PASSWORD_VERIFIER",
    ChallengeParameters: {
      SALT: verifier.salt,
      SECRET_BLOCK: secretBlock,
      SRP_B: c.srpB,
      USERNAME: username,
      USER_ID_FOR_SRP: username,
    },
  };
}

/** Whom an SRP start challenges: a user, or (PreventUserExistenceErrors) a stand-in for a name. */
export interface SrpStart {
  srpA: string;
  /** USER_ID_FOR_SRP: the internal username, or the stand-in's. */
  username: string;
  verifier: StoredVerifier;
  user: UserRecord | null;
  /** The name as sent. */
  typed: string;
}

/** InitiateAuth / AdminInitiateAuth with USER_SRP_AUTH. */
export async function srpSignIn(deps: SrpDeps, s: OpenedSignIn): Promise<SignInResponse> {
  const start = await startSrp(deps, s);
  return passwordVerifierChallenge(deps, s, start.username, start.verifier, start.srpA);
}

/**
 * The checks of an SRP start, in order (SRP_A, the user, SECRET_HASH, PreAuthentication, the
 * user's state), and the verifier to challenge with.
 */
export async function startSrp(deps: SrpDeps, s: OpenedSignIn): Promise<SrpStart> {
  const params = s.request.parameters;
  const typed = requireParameter(params, "USERNAME");
  const srpA = requireParameter(params, "SRP_A");
  // Judged before the user is looked up, so the answer says nothing about the name.
  const A = parseHexInt(srpA);
  if (A === null || A % N === 0n) fail("InvalidParameterException", INVALID_SRP_A);
  const user = await findUser(deps.store.read, s.pool, typed);
  checkSignInSecret(s.client, typed, user, params.SECRET_HASH);

  if (!user) {
    if (!s.protect) fail("UserNotFoundException", messages.userNotFound);
    await runPreAuthentication(deps, s, { typed });
    const fake = simulatedSrpUser(
      deps.serverSecret,
      s.pool.id,
      nameKey(typed, caseInsensitive(s.pool.config)),
    );
    return { srpA, username: fake.userIdForSrp, verifier: fake.verifier, user: null, typed };
  }
  await runPreAuthentication(deps, s, { user });
  await refuseDisabled(deps, s, user);
  await checkNotLockedOut(deps, s, user);
  await refuseUnconfirmed(deps, s, user);
  // No verifier yet (a password set before Cognate kept them): a stand-in that no password
  // matches, so the proof fails as a wrong password would.
  const verifier =
    user.srp ?? simulatedSrpUser(deps.serverSecret, s.pool.id, `\u0000${user.username}`).verifier;
  return { srpA, username: user.username, verifier, user, typed };
}

/** RespondToAuthChallenge / AdminRespondToAuthChallenge with PASSWORD_VERIFIER. */
export async function answerPasswordVerifier(deps: SrpDeps, s: OpenedRespond): Promise<SignInResponse> {
  const { user, hasFailures, device } = await checkPasswordClaim(deps, s, "srp-secret-block", {
    deviceKey: s.request.parameters.DEVICE_KEY,
  });
  if (user.status === "FORCE_CHANGE_PASSWORD") {
    if (hasFailures) await clearFailures(deps, s, user);
    return requireNewPassword(deps, s, user, { authFlow: "USER_SRP_AUTH" });
  }
  // Users from an external provider, archived or compromised ones have no password sign-in.
  if (user.status !== "CONFIRMED") {
    await recordFailure(deps, s, user);
    refuseIncorrect();
  }
  // A remembered device stands in for MFA (docs/devices.md).
  if (device !== undefined && deviceSkipsMfa(s.pool, device) && mfaChallenged(s.pool, user)) {
    return requireDeviceSrp(deps, s, user, device, { authFlow: "USER_SRP_AUTH", hasFailures });
  }
  const mfa = await requireMfa(deps, s, user, "USER_SRP_AUTH", device?.deviceKey);
  if (mfa !== null) return mfa;
  const result = await completeSignIn(deps, s, {
    user,
    source: "TokenGeneration_Authentication",
    authTime: deps.clock.now(),
    clientMetadata: s.request.clientMetadata,
    deviceKey: device?.deviceKey,
    clearFailures: hasFailures,
    steps: PASSWORD_STEPS.success,
  });
  return { ChallengeParameters: {}, AuthenticationResult: result };
}

/**
 * The proof of a PASSWORD_VERIFIER answer, with every refusal (a wrong proof counts toward the
 * lock-out): the user it proved, whether they had failures counted, and the device the
 * answer's DEVICE_KEY names (docs/devices.md), when `options.deviceKey` is given.
 */
export async function checkPasswordClaim(
  deps: SrpDeps,
  s: OpenedRespond,
  purpose: SecretBlockPurpose,
  options: { deviceKey?: string | undefined } = {},
): Promise<{ user: UserRecord; hasFailures: boolean; device: DeviceRecord | undefined }> {
  const started = deps.latency.now();
  const params = s.request.parameters;
  const typed = requireParameter(params, "USERNAME");
  const block = requireParameter(params, "PASSWORD_CLAIM_SECRET_BLOCK");
  const signature = requireParameter(params, "PASSWORD_CLAIM_SIGNATURE");
  const timestamp = requireParameter(params, "TIMESTAMP");
  const maxAgeMs = authSessionValidityMs(s.client);
  const opened = openSecretBlock(
    sealKey(deps.serverSecret, purpose),
    block,
    { poolId: s.pool.id, clientId: s.client.clientId },
    deps.clock.now(),
    maxAgeMs,
  );
  // The session a client may send along is not needed (clients usually send none): ignored.
  if (opened.kind !== "ok" || opened.state.challenge !== "PASSWORD_VERIFIER") refuseIncorrect();
  const state = opened.state;
  // The block names the user; the answer's USERNAME must be that user (USER_ID_FOR_SRP).
  if (typed !== state.username) refuseIncorrect();
  const user = await deps.store.read.users.get(
    s.pool.id,
    usernameKey(state.username, caseInsensitive(s.pool.config)),
  );
  checkSignInSecret(
    s.client,
    typed,
    user?.username === state.username ? user : undefined,
    params.SECRET_HASH,
  );
  const identity = userIdentity(s.pool.id, state.username);
  const proofOk = verifyPasswordClaim(state.key, identity, block, timestamp, signature);
  // An unknown DEVICE_KEY is answered before the block is used up, and only to a right proof:
  // clients drop the key and send the same answer again (docs/devices.md).
  const device =
    proofOk && user?.username === state.username
      ? await signInDevice(deps, s, user, options.deviceKey)
      : undefined;
  if (!(await consumeOnce(deps, s.pool.id, "srp-block", opened.id, state.issuedAt + maxAgeMs))) {
    refuseIncorrect();
  }
  if (!user || user.username !== state.username) {
    // A simulated challenge (PreventUserExistenceErrors), or a user deleted since: the store
    // work of a real failure, rolled back, then the latency mirror pads the rest.
    await simulateCountedFailure(deps, s, state.username);
    await deps.latency.pad(LATENCY_KEY, s.pool.id, started);
    refuseIncorrect();
  }
  await refuseDisabled(deps, s, user);
  const { hasFailures } = await checkNotLockedOut(deps, s, user);
  await refuseUnconfirmed(deps, s, user);
  if (user.srp === null || verifierTag(user.srp) !== state.verifierTag) {
    // No verifier, or the password changed since the challenge: no proof could be right, so
    // this is not counted toward the lock-out.
    await recordFailure(deps, s, user);
    refuseIncorrect();
  }
  if (!proofOk || parseTimestamp(timestamp).kind !== "ok") {
    await countFailure(deps, s, user, PASSWORD_STEPS.failure);
    // The answer a simulated challenge must resemble (PreventUserExistenceErrors).
    deps.latency.record(LATENCY_KEY, s.pool.id, started);
    refuseIncorrect();
  }
  return { user, hasFailures, device };
}
