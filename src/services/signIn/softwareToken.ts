// The SOFTWARE_TOKEN_MFA step (docs/mfa.md): a user who enabled a verified TOTP token, in a
// pool whose MFA is OPTIONAL or ON with software tokens, proves the password (or the SRP
// proof) and is then asked for a code instead of receiving tokens. The answer carries the
// Session and SOFTWARE_TOKEN_MFA_CODE; a code is accepted within one 30-second step either
// side of now, and once only (the step of the last code accepted is kept with the user).

import type { AuthSessionState } from "../../domain/authSession.js";
import { verifyTotp } from "../../domain/totp.js";
import type { Deps } from "../../operations/deps.js";
import type { StoreTx, UserRecord } from "../../ports/store/index.js";
import { fail } from "../../protocol/errors.js";
import { MFA_MESSAGES, NO_MFA, openTotpSecret } from "../mfa.js";
import type { TokenDeps } from "../tokens/index.js";
import { completeSignIn } from "./complete.js";
import { requireParameter } from "./flows.js";
import { clearFailures } from "./guards.js";
import { MFA_STEPS, refuseSpentSession, sessionUser, wrongCode } from "./mfaAttempts.js";
import type { Opened, OpenedRespond, SignInResponse } from "./request.js";
import { isAdmin } from "./request.js";
import { consumeOnce, newSession, openChallengeSession, passwordTag, SESSION_MESSAGES } from "./session.js";

export type TotpFlow = AuthSessionState["flow"];

/** The challenge, once the password was right: no tokens yet. */
export async function requireSoftwareToken(
  deps: Pick<Deps, "clock" | "serverSecret" | "random" | "store">,
  s: Opened,
  user: UserRecord,
  flow: { authFlow: TotpFlow; hasFailures: boolean; deviceKey?: string | undefined },
): Promise<SignInResponse> {
  // The right password: failures counted before it no longer stand (as for a new password).
  if (flow.hasFailures) await clearFailures(deps, s, user);
  const session = newSession(deps, s.client, {
    challenge: "SOFTWARE_TOKEN_MFA",
    poolId: s.pool.id,
    clientId: s.client.clientId,
    username: user.username,
    flow: flow.authFlow,
    admin: isAdmin(s),
    startedAt: deps.clock.now(),
    failedAttempts: 0,
    userTag: passwordTag(user),
    // The confirmed device the sign-in is on (docs/devices.md): the tokens are bound to it.
    ...(flow.deviceKey === undefined ? {} : { deviceKey: flow.deviceKey }),
  });
  // Cognito sends no parameters with this challenge; clients read none.
  return { ChallengeName: "SOFTWARE_TOKEN_MFA", Session: session, ChallengeParameters: {} };
}

type CodeCheck = { kind: "ok"; user: UserRecord } | { kind: "mismatch" } | { kind: "reused" };

export async function answerSoftwareToken(
  deps: TokenDeps & Pick<Deps, "serverSecret">,
  s: OpenedRespond,
): Promise<SignInResponse> {
  const session = openChallengeSession(deps, s, "SOFTWARE_TOKEN_MFA");
  const params = s.request.parameters;
  const typed = requireParameter(params, "USERNAME");
  const code = requireParameter(params, "SOFTWARE_TOKEN_MFA_CODE");
  const user = await sessionUser(deps, s, session, typed);
  await refuseSpentSession(deps, s, session);

  const now = deps.clock.now();
  const checked = await deps.store.transaction(async (tx: StoreTx): Promise<CodeCheck> => {
    const current = await tx.users.getForUpdate(s.pool.id, user.username);
    const mfa = current?.mfa;
    if (!current || !mfa?.totpEnabled || mfa.totpSecret === null) {
      // The token was switched off or replaced since the challenge.
      fail("NotAuthorizedException", SESSION_MESSAGES.invalid);
    }
    const secret = openTotpSecret(deps, s.pool.id, current.username, mfa.totpSecret);
    if (secret === null) fail("NotAuthorizedException", SESSION_MESSAGES.invalid);
    const result = verifyTotp(secret, code, now, { lastUsedStep: mfa.totpLastStep });
    if (result.kind !== "ok") return { kind: result.kind };
    // Recorded before the tokens: the same code cannot start a second sign-in on any node.
    const next = { ...NO_MFA, ...mfa, totpLastStep: result.step };
    await tx.users.setMfa(s.pool.id, current.username, next);
    return { kind: "ok", user: { ...current, mfa: next } };
  });
  if (checked.kind !== "ok") {
    // A wrong code leaves the session usable for another try, up to the limit (docs/mfa.md).
    const message = checked.kind === "reused" ? MFA_MESSAGES.reused : MFA_MESSAGES.codeMismatch;
    return wrongCode(deps, s, user, session, () => fail("CodeMismatchException", message));
  }
  if (!(await consumeOnce(deps, s.pool.id, "session", session.id, session.expiresAt))) {
    fail("NotAuthorizedException", SESSION_MESSAGES.used);
  }
  const result = await completeSignIn(deps, s, {
    user: checked.user,
    source: "TokenGeneration_Authentication",
    authTime: now,
    clientMetadata: s.request.clientMetadata,
    deviceKey: session.state.deviceKey,
    clearFailures: true,
    steps: MFA_STEPS.success,
  });
  return { ChallengeParameters: {}, AuthenticationResult: result };
}
