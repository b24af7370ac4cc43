// The password flows: USER_PASSWORD_AUTH (InitiateAuth), ADMIN_USER_PASSWORD_AUTH and its
// legacy name ADMIN_NO_SRP_AUTH (AdminInitiateAuth). The order of the checks and the answers
// are Cognito's (docs/signin.md, "Password sign-in"):
//   USERNAME, PASSWORD present → SECRET_HASH → the user (username, sign-in alias, sub; else
//   the UserMigration function's) → PreAuthentication → enabled → not locked out →
//   confirmed → no reset pending → the password (a wrong one counts toward the lock-out) →
//   a new password pending → tokens.
// The user's status is judged before the password: Cognito answers "User is not confirmed."
// even to a wrong password.

import { checkSecretHashAnyName } from "../../domain/passwordSignIn.js";
import { hashPassword, type ScryptCost, verifyPassword } from "../../domain/passwords.js";
import { createVerifier, passwordMatchesVerifier, userIdentity } from "../../domain/srp/verifier.js";
import type { Deps } from "../../operations/deps.js";
import type { ClientRecord, UserRecord } from "../../ports/store/index.js";
import { fail, messages } from "../../protocol/errors.js";
import { migrateUser } from "../migration.js";
import { chargeForPasswordHash } from "../publicRequest.js";
import { namesOfUser, type TokenDeps } from "../tokens/index.js";
import { findUser } from "../users.js";
import { type NewPasswordFlow, requireNewPassword } from "./challenges.js";
import { completeSignIn } from "./complete.js";
import { deviceSkipsMfa, mfaChallenged, requireDeviceSrp, signInDevice } from "./devices.js";
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
import { refuseDisabled, refuseSignIn, refuseUnconfirmed, SIGN_IN_MESSAGES } from "./refusals.js";
import type { OpenedSignIn, SignInResponse } from "./request.js";

// Where the other modules have always found these messages.
export { SIGN_IN_MESSAGES } from "./refusals.js";

export type PasswordDeps = TokenDeps &
  Pick<
    Deps,
    "hashGate" | "passwordCost" | "latency" | "ipLimiter" | "config" | "serverSecret" | "srpMath" | "delivery"
  >;

/** The key under which the latency mirror keeps this flow's answer times (src/services/latency.ts). */
const LATENCY_KEY = "SignIn.password";

/** SECRET_HASH of a sign-in: over the name as sent, or over any other name of the same user. */
export function checkSignInSecret(
  client: ClientRecord,
  typed: string,
  user: UserRecord | undefined,
  provided: string | undefined,
): void {
  const names = user ? [typed, ...namesOfUser(user)] : [typed];
  const r = checkSecretHashAnyName(client.secret, names, client.clientId, provided);
  if (r.kind === "missing") fail("NotAuthorizedException", messages.secretMissing(client.clientId));
  if (r.kind === "mismatch") fail("NotAuthorizedException", messages.secretWrong(client.clientId));
}

// A hash of no one's password, at the cost in use, checked for names with no user so that
// they cost what a real check costs.
const dummies = new Map<string, Promise<string>>();
function dummyHash(cost: ScryptCost): Promise<string> {
  const key = `${cost.ln},${cost.r},${cost.p}`;
  let h = dummies.get(key);
  if (!h) {
    h = hashPassword("cognate: no such user", cost);
    dummies.set(key, h);
  }
  return h;
}

/** Whether `password` is the user's: the hash when there is one, else the SRP verifier. */
export async function passwordMatches(
  deps: Pick<Deps, "hashGate">,
  poolId: string,
  user: UserRecord,
  password: string,
): Promise<boolean> {
  const hash = user.passwordHash;
  if (hash !== null) {
    const checked = await deps.hashGate.run(() => verifyPassword(password, hash));
    if (checked.kind === "busy") fail("TooManyRequestsException", messages.tooManyRequests);
    return checked.value;
  }
  if (user.srp !== null)
    return passwordMatchesVerifier(user.srp, userIdentity(poolId, user.username), password);
  return false;
}

/**
 * What a name with no user costs under PreventUserExistenceErrors: the hash check a real user
 * gets, and the store work of a counted failure, rolled back (nothing is kept). The latency
 * mirror then pads the remaining difference (src/services/latency.ts).
 */
async function simulateFailure(deps: PasswordDeps, s: OpenedSignIn, typed: string, password: string) {
  const hash = await dummyHash(deps.passwordCost);
  const checked = await deps.hashGate.run(() => verifyPassword(password, hash));
  if (checked.kind === "busy") fail("TooManyRequestsException", messages.tooManyRequests);
  await simulateCountedFailure(deps, s, typed);
}

function passwordFlow(s: OpenedSignIn): NewPasswordFlow {
  const f = s.request.authFlow;
  return f === "ADMIN_USER_PASSWORD_AUTH" || f === "ADMIN_NO_SRP_AUTH" ? f : "USER_PASSWORD_AUTH";
}

export async function passwordSignIn(deps: PasswordDeps, s: OpenedSignIn): Promise<SignInResponse> {
  const started = deps.latency.now();
  const params = s.request.parameters;
  const typed = requireParameter(params, "USERNAME");
  const password = requireParameter(params, "PASSWORD");
  const found = await findUser(deps.store.read, s.pool, typed);
  checkSignInSecret(s.client, typed, found, params.SECRET_HASH);

  // A production-cost hash is charged to the caller's per-IP allowance, as SignUp's is (the
  // public operation only: AdminInitiateAuth is IAM-authorized, outside the per-IP limiter).
  if (s.request.userPoolId === undefined) chargeForPasswordHash(deps, s.ctx.sourceIp);

  // A name with no user goes to the pool's UserMigration function first; a user it creates
  // signs in below like any other (docs/user-migration.md). The request's ClientMetadata is
  // the event's validationData.
  const migrated =
    found === undefined
      ? await migrateUser(deps, {
          pool: s.pool,
          clientId: s.client.clientId,
          typed,
          source: "UserMigration_Authentication",
          password,
          validationData: s.request.clientMetadata,
          clientMetadata: undefined,
          userAgent: s.ctx.userAgent,
        })
      : undefined;
  const user = found ?? migrated?.user;
  // A user this request migrated was given this very password a moment ago: not hashed twice.
  const passwordJustSet = migrated?.created === true;

  if (!user) {
    if (!s.protect) fail("UserNotFoundException", messages.userNotFound);
    await runPreAuthentication(deps, s, { typed });
    await simulateFailure(deps, s, typed, password);
    await deps.latency.pad(LATENCY_KEY, s.pool.id, started);
    fail("NotAuthorizedException", SIGN_IN_MESSAGES.incorrect);
  }
  // PreAuthentication sees every attempt on an existing user, before anything is judged.
  await runPreAuthentication(deps, s, { user });
  await refuseDisabled(deps, s, user);
  const { hasFailures } = await checkNotLockedOut(deps, s, user);
  await refuseUnconfirmed(deps, s, user);
  if (!passwordJustSet && !(await passwordMatches(deps, s.pool.id, user, password))) {
    await countFailure(deps, s, user, PASSWORD_STEPS.failure);
    // The answer an unknown name must resemble (simulateFailure, PreventUserExistenceErrors).
    deps.latency.record(LATENCY_KEY, s.pool.id, started);
    fail("NotAuthorizedException", SIGN_IN_MESSAGES.incorrect);
  }
  if (user.status === "FORCE_CHANGE_PASSWORD") {
    // The right temporary password: the failures counted before it no longer stand.
    if (hasFailures) await clearFailures(deps, s, user);
    return requireNewPassword(deps, s, user, { authFlow: passwordFlow(s) });
  }
  // Users from an external provider, archived or compromised ones have no password sign-in.
  if (user.status !== "CONFIRMED") {
    return refuseSignIn(deps, s, user, "NotAuthorizedException", SIGN_IN_MESSAGES.incorrect);
  }

  const device = await signInDevice(deps, s, user, params.DEVICE_KEY);
  // A remembered device stands in for MFA (docs/devices.md).
  if (device !== undefined && deviceSkipsMfa(s.pool, device) && mfaChallenged(s.pool, user)) {
    return requireDeviceSrp(deps, s, user, device, { authFlow: passwordFlow(s), hasFailures });
  }
  const mfa = await requireMfa(deps, s, user, passwordFlow(s), device?.deviceKey);
  if (mfa !== null) return mfa;
  const authTime = deps.clock.now();
  const result = await completeSignIn(deps, s, {
    user,
    source: "TokenGeneration_Authentication",
    authTime,
    deviceKey: device?.deviceKey,
    clearFailures: hasFailures,
    steps: PASSWORD_STEPS.success,
    // A password set before Cognate kept verifiers: this sign-in has the password, so the user
    // can use SRP from now on (one exponentiation, no new hash).
    verifierUpgrade:
      user.srp === null
        ? createVerifier(deps.random, userIdentity(s.pool.id, user.username), password)
        : null,
  });
  return { ChallengeParameters: {}, AuthenticationResult: result };
}
