// AssociateSoftwareToken and VerifySoftwareToken with the Session of an MFA_SETUP challenge
// (docs/mfa.md, "MFA_SETUP"): a user who must have MFA and has none sets up a software token
// within the sign-in, with no access token yet.
//   AssociateSoftwareToken {Session} → {SecretCode, Session}: the new secret travels sealed in
//     the returned Session only; nothing is written to the user yet.
//   VerifySoftwareToken {Session, UserCode, FriendlyDeviceName} → {Status: SUCCESS, Session}:
//     a code of that secret makes it the user's enabled token, and the returned Session
//     answers MFA_SETUP.
// Each Session is single use, as every sign-in session is.
import { type AuthSessionState, openSession, sessionOwner } from "../../domain/authSession.js";
import { caseInsensitive } from "../../domain/pool.js";
import { generateTotpSecret, verifyTotp } from "../../domain/totp.js";
import { usernameKey } from "../../domain/usernames.js";
import type { RequestContext } from "../../operations/define.js";
import type { Deps } from "../../operations/deps.js";
import type { StoreTx, UserRecord } from "../../ports/store/index.js";
import { fail, messages } from "../../protocol/errors.js";
import { MFA_MESSAGES, NO_MFA, openTotpSecret, sealTotpSecret } from "../mfa.js";
import type { TokenDeps } from "../tokens/index.js";
import { refuseSpentSession, wrongCode } from "./mfaAttempts.js";
import type { OpenedRespond } from "./request.js";
import { sealKey } from "./sealKeys.js";
import { consumeOnce, newSession, type OpenedSession, passwordTag, SESSION_MESSAGES } from "./session.js";

export type SetupDeps = TokenDeps & Pick<Deps, "serverSecret">;

/** SoftwareTokenMFANotFoundException when the pool offers no software tokens (our wording). */
const NOT_OFFERED = "Software token MFA is not enabled for this user pool.";

interface OpenedSetup {
  s: OpenedRespond;
  session: OpenedSession;
  user: UserRecord;
}

/** The MFA_SETUP session, its pool, client and user, or Cognito's refusal of the session. */
async function openSetup(deps: SetupDeps, session: string, ctx: RequestContext): Promise<OpenedSetup> {
  const key = sealKey(deps.serverSecret, "auth-session");
  const owner = sessionOwner(key, session);
  if (owner === null) fail("NotAuthorizedException", SESSION_MESSAGES.invalid);
  const opened = openSession(key, session, owner, deps.clock.now());
  if (opened.kind === "expired") fail("NotAuthorizedException", SESSION_MESSAGES.expired);
  if (opened.kind !== "ok" || opened.state.challenge !== "MFA_SETUP") {
    fail("NotAuthorizedException", SESSION_MESSAGES.invalid);
  }
  const client = await deps.directory.findClient(owner.clientId);
  const pool = client && (await deps.directory.findPool(owner.poolId));
  if (!client || !pool || client.poolId !== pool.id) fail("NotAuthorizedException", SESSION_MESSAGES.invalid);
  const state = opened.state;
  const s: OpenedRespond = {
    request: {
      operation: state.admin ? "AdminRespondToAuthChallenge" : "RespondToAuthChallenge",
      clientId: client.clientId,
      ...(state.admin ? { userPoolId: pool.id } : {}),
      challengeName: "MFA_SETUP",
      session,
      parameters: {},
      clientMetadata: undefined,
      context: { ipAddress: null, encodedData: null, analyticsEndpointId: null },
    },
    pool,
    client,
    protect: client.config.PreventUserExistenceErrors === "ENABLED",
    ctx,
  };
  const found = await deps.store.read.users.get(
    pool.id,
    usernameKey(state.username, caseInsensitive(pool.config)),
  );
  if (!found || found.username !== state.username || passwordTag(found) !== state.userTag) {
    fail("NotAuthorizedException", SESSION_MESSAGES.invalid);
  }
  if (!found.enabled) fail("NotAuthorizedException", messages.userDisabled);
  return { s, session: { state, id: opened.id, expiresAt: opened.expiresAt }, user: found };
}

/** The next session of the same set-up, with what this step adds. */
function nextSession(deps: SetupDeps, o: OpenedSetup, change: Partial<AuthSessionState>): string {
  const { totpSecret: _secret, mfaSetupVerified: _verified, ...rest } = o.session.state;
  return newSession(deps, o.s.client, { ...rest, ...change });
}

async function spend(deps: SetupDeps, o: OpenedSetup): Promise<void> {
  if (!(await consumeOnce(deps, o.s.pool.id, "session", o.session.id, o.session.expiresAt))) {
    fail("NotAuthorizedException", SESSION_MESSAGES.used);
  }
}

export async function associateWithSession(
  deps: SetupDeps,
  session: string,
  ctx: RequestContext,
): Promise<{ SecretCode: string; Session: string }> {
  const o = await openSetup(deps, session, ctx);
  if (o.s.pool.config.SoftwareTokenMfaConfiguration?.Enabled !== true) {
    fail("SoftwareTokenMFANotFoundException", NOT_OFFERED);
  }
  await spend(deps, o);
  const secret = generateTotpSecret(deps.random);
  const sealed = sealTotpSecret(deps, o.s.pool.id, o.user.username, secret);
  return { SecretCode: secret, Session: nextSession(deps, o, { totpSecret: sealed }) };
}

export async function verifyWithSession(
  deps: SetupDeps,
  input: { Session: string; UserCode: string },
  ctx: RequestContext,
): Promise<{ Status: "SUCCESS"; Session: string }> {
  const o = await openSetup(deps, input.Session, ctx);
  const sealed = o.session.state.totpSecret;
  if (sealed === undefined) fail("SoftwareTokenMFANotFoundException", MFA_MESSAGES.notAssociated);
  await refuseSpentSession(deps, o.s, o.session);
  const secret = openTotpSecret(deps, o.s.pool.id, o.user.username, sealed);
  if (secret === null) fail("NotAuthorizedException", SESSION_MESSAGES.invalid);
  const checked = verifyTotp(secret, input.UserCode, deps.clock.now());
  if (checked.kind !== "ok") {
    // The session stays usable for another code, up to the wrong-code limit.
    return wrongCode(deps, o.s, o.user, o.session, () =>
      fail("EnableSoftwareTokenMFAException", MFA_MESSAGES.verifyMismatch),
    );
  }
  await spend(deps, o);
  await deps.store.transaction(async (tx: StoreTx) => {
    const current = await tx.users.getForUpdate(o.s.pool.id, o.user.username);
    if (!current) fail("NotAuthorizedException", SESSION_MESSAGES.invalid);
    const mfa = { ...NO_MFA, ...current.mfa };
    await tx.users.setMfa(o.s.pool.id, current.username, {
      ...mfa,
      totpSecret: sealed,
      totpPending: null,
      totpLastStep: checked.step,
      totpEnabled: true,
      // The factor just set up is the one later sign-ins ask for, unless another was chosen.
      preferred: mfa.preferred ?? "SOFTWARE_TOKEN_MFA",
    });
  });
  return { Status: "SUCCESS", Session: nextSession(deps, o, { mfaSetupVerified: true }) };
}
