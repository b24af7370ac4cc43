// AssociateSoftwareToken, VerifySoftwareToken and SetUserMFAPreference for the signed-in user
// (access token), and the admin preference (docs/mfa.md). The Session form of the first two
// belongs to MFA_SETUP: src/services/signIn/softwareTokenSetup.ts.
import { generateTotpSecret, verifyTotp } from "../domain/totp.js";
import type { RequestContext } from "../operations/define.js";
import type { Deps } from "../operations/deps.js";
import type { StoreTx, UserMfa, UserRecord } from "../ports/store/index.js";
import { fail, ServiceError } from "../protocol/errors.js";
import {
  MFA_MESSAGES,
  type MfaPreferenceInput,
  NO_MFA,
  nextMfaPreference,
  openTotpSecret,
  sealTotpSecret,
} from "./mfa.js";
import { SIGN_IN_MESSAGES } from "./signIn/password.js";
import { associateWithSession, verifyWithSession } from "./signIn/softwareTokenSetup.js";
import { ACCESS_TOKEN_REVOKED, type TokenDeps, verifyAccessToken } from "./tokens/index.js";

export type SoftwareTokenDeps = TokenDeps & Pick<Deps, "serverSecret">;

/** The user an AccessToken names. */
async function tokenUser(
  deps: SoftwareTokenDeps,
  input: { AccessToken?: string | undefined },
  checkStatus: boolean,
): Promise<UserRecord> {
  if (input.AccessToken === undefined) {
    fail("InvalidParameterException", "Either AccessToken or Session must be provided.");
  }
  const { user } = await verifyAccessToken(deps, input.AccessToken).catch((e: unknown) => {
    // Not every one of these operations has UserNotFoundException in its model: a deleted
    // user's token is a revoked one (as GlobalSignOut answers).
    if (!checkStatus && e instanceof ServiceError && e.type === "UserNotFoundException") {
      fail("NotAuthorizedException", ACCESS_TOKEN_REVOKED);
    }
    throw e;
  });
  if (checkStatus) {
    if (user.status === "UNCONFIRMED") fail("UserNotConfirmedException", SIGN_IN_MESSAGES.notConfirmed);
    if (user.status === "RESET_REQUIRED") {
      fail("PasswordResetRequiredException", SIGN_IN_MESSAGES.resetRequired);
    }
  }
  return user;
}

/** Reads, changes and writes a user's MFA settings under the user's row lock. */
async function changeMfa<T>(
  deps: Pick<Deps, "store">,
  user: UserRecord,
  change: (mfa: UserMfa) => { mfa: UserMfa | null; result: T },
): Promise<T> {
  return deps.store.transaction(async (tx: StoreTx) => {
    const current = await tx.users.getForUpdate(user.poolId, user.username);
    if (!current) fail("NotAuthorizedException", ACCESS_TOKEN_REVOKED);
    const { mfa, result } = change({ ...NO_MFA, ...current.mfa });
    if (mfa !== null) await tx.users.setMfa(user.poolId, user.username, mfa);
    return result;
  });
}

/** A new secret, kept (sealed) as pending until VerifySoftwareToken accepts a code of it. */
export async function associateSoftwareToken(
  deps: SoftwareTokenDeps,
  input: { AccessToken?: string | undefined; Session?: string | undefined },
  ctx: RequestContext,
): Promise<{ SecretCode: string; Session?: string }> {
  if (input.AccessToken === undefined && input.Session !== undefined) {
    return associateWithSession(deps, input.Session, ctx);
  }
  const user = await tokenUser(deps, input, false);
  const secret = generateTotpSecret(deps.random);
  const sealed = sealTotpSecret(deps, user.poolId, user.username, secret);
  await changeMfa(deps, user, (mfa) => ({ mfa: { ...mfa, totpPending: sealed }, result: undefined }));
  return { SecretCode: secret };
}

/** Checks a code of the pending secret (±1 step); on success it becomes the user's token. */
export async function verifySoftwareToken(
  deps: SoftwareTokenDeps,
  input: { AccessToken?: string | undefined; Session?: string | undefined; UserCode: string },
  ctx: RequestContext,
): Promise<{ Status: "SUCCESS"; Session?: string }> {
  if (input.AccessToken === undefined && input.Session !== undefined) {
    return verifyWithSession(deps, { Session: input.Session, UserCode: input.UserCode }, ctx);
  }
  const user = await tokenUser(deps, input, true);
  const now = deps.clock.now();
  const ok = await changeMfa(deps, user, (mfa) => {
    if (mfa.totpPending === null) fail("SoftwareTokenMFANotFoundException", MFA_MESSAGES.notAssociated);
    const secret = openTotpSecret(deps, user.poolId, user.username, mfa.totpPending);
    if (secret === null) fail("SoftwareTokenMFANotFoundException", MFA_MESSAGES.notAssociated);
    const checked = verifyTotp(secret, input.UserCode, now);
    if (checked.kind !== "ok") return { mfa: null, result: false };
    return {
      mfa: { ...mfa, totpSecret: mfa.totpPending, totpPending: null, totpLastStep: checked.step },
      result: true,
    };
  });
  if (!ok) fail("EnableSoftwareTokenMFAException", MFA_MESSAGES.verifyMismatch);
  return { Status: "SUCCESS" };
}

/** SetUserMFAPreference: the signed-in user's own preferences. */
export async function setOwnMfaPreference(
  deps: SoftwareTokenDeps,
  input: MfaPreferenceInput & { AccessToken: string },
): Promise<void> {
  const user = await tokenUser(deps, input, true);
  await changeMfa(deps, user, (mfa) => ({
    mfa: nextMfaPreference(mfa, input, user.attributes),
    result: undefined,
  }));
}

/** AdminSetUserMFAPreference: any user's. */
export async function setUserMfaPreference(
  deps: Pick<Deps, "store">,
  user: UserRecord,
  input: MfaPreferenceInput,
): Promise<void> {
  await changeMfa(deps, user, (mfa) => ({
    mfa: nextMfaPreference(mfa, input, user.attributes),
    result: undefined,
  }));
}
