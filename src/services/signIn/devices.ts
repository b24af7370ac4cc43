// Remembered devices in sign-in (docs/devices.md):
//   signInDevice      the DEVICE_KEY a sign-in carries, checked: a confirmed device of this
//                     user, or ResourceNotFoundException "Device does not exist." (clients then
//                     drop the key and send the same answer again);
//   deviceSkipsMfa    the one check beside the MFA decision: a remembered device, in a pool whose
//                     remembered devices stand in for MFA, goes through DEVICE_SRP_AUTH instead;
//   DEVICE_SRP_AUTH → DEVICE_PASSWORD_VERIFIER: the device's SRP proof, with the DeviceGroupKey
//                     as realm and the DeviceKey as user id (src/domain/srp/verifier.ts), then
//                     tokens bound to the device.
// The Admin flows do not track devices (the developer guide says device tracking is not for
// them): they never hand out a device key and ignore DEVICE_KEY.
import { decideMfa } from "../../domain/mfaDecision.js";
import { caseInsensitive } from "../../domain/pool.js";
import { issueSecretBlock, openSecretBlock } from "../../domain/secretBlock.js";
import { N, parseHexInt } from "../../domain/srp/group.js";
import { verifyPasswordClaim } from "../../domain/srp/server.js";
import { parseTimestamp } from "../../domain/srp/timestamp.js";
import { deviceIdentity, verifierTag } from "../../domain/srp/verifier.js";
import { usernameKey } from "../../domain/usernames.js";
import type { Deps } from "../../operations/deps.js";
import { serverChallengeVia } from "../../ports/srpMath.js";
import type { DeviceRecord, PoolRecord, UserRecord } from "../../ports/store/index.js";
import { fail, messages } from "../../protocol/errors.js";
import { DEVICE_MESSAGES, deviceReplacesMfa, tracksDevices } from "../devices.js";
import type { TokenDeps } from "../tokens/index.js";
import type { NewPasswordFlow } from "./challenges.js";
import { completeSignIn } from "./complete.js";
import { recordFailure } from "./events.js";
import { requireParameter } from "./flows.js";
import { clearFailures } from "./guards.js";
import { namesTheUser } from "./newPassword.js";
import { checkSignInSecret, SIGN_IN_MESSAGES } from "./password.js";
import type { Opened, OpenedRespond, SignInResponse } from "./request.js";
import { isAdmin } from "./request.js";
import { sealKey } from "./sealKeys.js";
import {
  authSessionValidityMs,
  consumeOnce,
  newSession,
  openChallengeSession,
  passwordTag,
  SESSION_MESSAGES,
} from "./session.js";
import { INVALID_SRP_A } from "./srp.js";

type DeviceDeps = TokenDeps & Pick<Deps, "serverSecret" | "srpMath">;

/** Whether this sign-in takes part in device tracking: the pool tracks devices, not an Admin flow. */
export function tracksSignInDevices(s: Opened): boolean {
  return tracksDevices(s.pool) && !isAdmin(s);
}

/**
 * The device a sign-in's DEVICE_KEY names, once the user is known: undefined without a key
 * (or where devices are not tracked); ResourceNotFoundException for a key that is not a
 * confirmed device of this user.
 */
export async function signInDevice(
  deps: Pick<Deps, "store">,
  s: Opened,
  user: Pick<UserRecord, "username">,
  deviceKey: string | undefined,
): Promise<DeviceRecord | undefined> {
  if (deviceKey === undefined || deviceKey === "" || !tracksSignInDevices(s)) return undefined;
  const d = await knownSignInDevice(deps, s, user, deviceKey);
  if (d === undefined) fail("ResourceNotFoundException", DEVICE_MESSAGES.notFound);
  return d;
}

/**
 * The same for a flow whose client does not retry after "Device does not exist." (CUSTOM_AUTH):
 * a key that names no confirmed device of the user is ignored, and the sign-in gets a new one.
 */
export async function knownSignInDevice(
  deps: Pick<Deps, "store">,
  s: Opened,
  user: Pick<UserRecord, "username">,
  deviceKey: string | undefined,
): Promise<DeviceRecord | undefined> {
  if (deviceKey === undefined || deviceKey === "" || !tracksSignInDevices(s)) return undefined;
  const d = await deps.store.read.devices.get(s.pool.id, deviceKey);
  return d && d.username === user.username && d.verifier !== null ? d : undefined;
}

/**
 * Whether the sign-in would be asked for an MFA code (or to choose a factor): what a remembered
 * device stands in for. MFA set-up (a user with no factor in a pool that requires one) is not.
 */
export function mfaChallenged(pool: PoolRecord, user: UserRecord): boolean {
  const d = decideMfa(pool.config, user);
  return d.kind === "challenge" || d.kind === "select";
}

/** Whether the device stands in for the MFA step: remembered, and the pool allows it. */
export function deviceSkipsMfa(pool: PoolRecord, device: DeviceRecord): boolean {
  return device.status === "remembered" && deviceReplacesMfa(pool);
}

/** DEVICE_SRP_AUTH, instead of an MFA challenge, once the password was right. */
export async function requireDeviceSrp(
  deps: Pick<Deps, "clock" | "serverSecret" | "random" | "store">,
  s: Opened,
  user: UserRecord,
  device: DeviceRecord,
  flow: { authFlow: NewPasswordFlow; hasFailures: boolean },
): Promise<SignInResponse> {
  if (flow.hasFailures) await clearFailures(deps, s, user);
  const session = newSession(deps, s.client, {
    challenge: "DEVICE_SRP_AUTH",
    poolId: s.pool.id,
    clientId: s.client.clientId,
    username: user.username,
    flow: flow.authFlow,
    admin: isAdmin(s),
    startedAt: deps.clock.now(),
    failedAttempts: 0,
    deviceKey: device.deviceKey,
    userTag: passwordTag(user),
  });
  // Cognito sends no parameters with this challenge; the client answers with its own.
  return { ChallengeName: "DEVICE_SRP_AUTH", Session: session, ChallengeParameters: {} };
}

/** The session's user, as the challenge found them: deleted or a new password ends the session. */
async function sessionUser(
  deps: DeviceDeps,
  s: OpenedRespond,
  state: { username: string; userTag?: string | undefined },
): Promise<UserRecord> {
  const params = s.request.parameters;
  const typed = requireParameter(params, "USERNAME");
  const ci = caseInsensitive(s.pool.config);
  const user = await deps.store.read.users.get(s.pool.id, usernameKey(state.username, ci));
  if (!user || user.username !== state.username || passwordTag(user) !== state.userTag) {
    fail("NotAuthorizedException", SESSION_MESSAGES.invalid);
  }
  if (!(await namesTheUser(deps, s, typed, user))) fail("NotAuthorizedException", SESSION_MESSAGES.invalid);
  checkSignInSecret(s.client, typed, user, params.SECRET_HASH);
  if (!user.enabled) fail("NotAuthorizedException", messages.userDisabled);
  return user;
}

/** RespondToAuthChallenge DEVICE_SRP_AUTH {USERNAME, DEVICE_KEY, SRP_A} → DEVICE_PASSWORD_VERIFIER. */
export async function answerDeviceSrp(deps: DeviceDeps, s: OpenedRespond): Promise<SignInResponse> {
  const session = openChallengeSession(deps, s, "DEVICE_SRP_AUTH");
  const params = s.request.parameters;
  const deviceKey = requireParameter(params, "DEVICE_KEY");
  const srpA = requireParameter(params, "SRP_A");
  const A = parseHexInt(srpA);
  if (A === null || A % N === 0n) fail("InvalidParameterException", INVALID_SRP_A);
  const user = await sessionUser(deps, s, session.state);
  // The device proven must be the one the sign-in named.
  if (deviceKey !== session.state.deviceKey) fail("ResourceNotFoundException", DEVICE_MESSAGES.notFound);
  const device = await signInDevice(deps, s, user, deviceKey);
  if (!device?.verifier) fail("ResourceNotFoundException", DEVICE_MESSAGES.notFound);
  if (!(await consumeOnce(deps, s.pool.id, "session", session.id, session.expiresAt))) {
    fail("NotAuthorizedException", SESSION_MESSAGES.used);
  }
  const c = await serverChallengeVia(deps.srpMath, deps.random, device.verifier, srpA);
  if (c.kind === "invalid-a") fail("InvalidParameterException", INVALID_SRP_A);
  if (c.kind === "invalid-verifier") throw new Error("unusable device verifier in the store");
  const now = deps.clock.now();
  const { secretBlock } = issueSecretBlock(sealKey(deps.serverSecret, "srp-secret-block"), deps.random, {
    challenge: "DEVICE_PASSWORD_VERIFIER",
    poolId: s.pool.id,
    clientId: s.client.clientId,
    username: user.username,
    deviceKey,
    key: c.key,
    verifierTag: verifierTag(device.verifier),
    issuedAt: now,
  });
  const next = newSession(deps, s.client, { ...session.state, challenge: "DEVICE_PASSWORD_VERIFIER" });
  return {
    ChallengeName: "DEVICE_PASSWORD_VERIFIER",
    Session: next,
    ChallengeParameters: {
      USERNAME: user.username,
      SRP_B: c.srpB,
      SALT: device.verifier.salt,
      SECRET_BLOCK: secretBlock,
      DEVICE_KEY: deviceKey,
    },
  };
}

/** RespondToAuthChallenge DEVICE_PASSWORD_VERIFIER: the device's proof → tokens, without MFA. */
export async function answerDevicePasswordVerifier(
  deps: DeviceDeps,
  s: OpenedRespond,
): Promise<SignInResponse> {
  const session = openChallengeSession(deps, s, "DEVICE_PASSWORD_VERIFIER");
  const params = s.request.parameters;
  const block = requireParameter(params, "PASSWORD_CLAIM_SECRET_BLOCK");
  const signature = requireParameter(params, "PASSWORD_CLAIM_SIGNATURE");
  const timestamp = requireParameter(params, "TIMESTAMP");
  const deviceKey = requireParameter(params, "DEVICE_KEY");
  const user = await sessionUser(deps, s, session.state);
  const opened = openSecretBlock(
    sealKey(deps.serverSecret, "srp-secret-block"),
    block,
    { poolId: s.pool.id, clientId: s.client.clientId },
    deps.clock.now(),
    authSessionValidityMs(s.client),
  );
  if (
    opened.kind !== "ok" ||
    opened.state.challenge !== "DEVICE_PASSWORD_VERIFIER" ||
    opened.state.username !== user.username ||
    opened.state.deviceKey !== session.state.deviceKey ||
    deviceKey !== session.state.deviceKey
  ) {
    await recordFailure(deps, s, user);
    fail("NotAuthorizedException", SIGN_IN_MESSAGES.incorrect);
  }
  const device = await signInDevice(deps, s, user, deviceKey);
  if (!device?.verifier) fail("ResourceNotFoundException", DEVICE_MESSAGES.notFound);
  const sessionFresh = await consumeOnce(deps, s.pool.id, "session", session.id, session.expiresAt);
  if (!sessionFresh) fail("NotAuthorizedException", SESSION_MESSAGES.used);
  const proofOk =
    verifierTag(device.verifier) === opened.state.verifierTag &&
    verifyPasswordClaim(
      opened.state.key,
      deviceIdentity(device.groupKey, device.deviceKey),
      block,
      timestamp,
      signature,
    ) &&
    parseTimestamp(timestamp).kind === "ok";
  if (!proofOk) {
    await recordFailure(deps, s, user);
    fail("NotAuthorizedException", SIGN_IN_MESSAGES.incorrect);
  }
  const result = await completeSignIn(deps, s, {
    user,
    source: "TokenGeneration_AuthenticateDevice",
    authTime: deps.clock.now(),
    clientMetadata: s.request.clientMetadata,
    deviceKey: device.deviceKey,
    // The password step, as Cognito's ChallengeResponses name them; the device took MFA's place.
    steps: [{ name: "Password", response: "Success" }],
  });
  return { ChallengeParameters: {}, AuthenticationResult: result };
}
