// Challenges a sign-in may lead to instead of tokens: NEW_PASSWORD_REQUIRED for a user in
// FORCE_CHANGE_PASSWORD (made by AdminCreateUser) who gave the right temporary password
// (docs/signin-challenges.md, "New password required"). The answer is src/services/signIn/newPassword.ts.
import type { Deps } from "../../operations/deps.js";
import type { UserRecord } from "../../ports/store/index.js";
import { fail } from "../../protocol/errors.js";
import type { Opened, SignInResponse } from "./request.js";
import { isAdmin } from "./request.js";
import { newSession, passwordTag } from "./session.js";

/** The flows that can end in NEW_PASSWORD_REQUIRED. */
export type NewPasswordFlow =
  | "USER_SRP_AUTH"
  | "USER_PASSWORD_AUTH"
  | "ADMIN_USER_PASSWORD_AUTH"
  | "ADMIN_NO_SRP_AUTH";

export const TEMPORARY_PASSWORD_EXPIRED =
  "Temporary password has expired and must be reset by an administrator.";

/** The pool's TemporaryPasswordValidityDays (default 7), in milliseconds. */
function temporaryPasswordValidityMs(s: Opened): number {
  const days = s.pool.config.Policies?.PasswordPolicy?.TemporaryPasswordValidityDays;
  return (typeof days === "number" ? days : 7) * 86_400_000;
}

/** The attributes the challenge shows: the user's, as strings, without sub and developer-only ones. */
export function challengeAttributes(user: UserRecord): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(user.attributes)) {
    if (name === "sub" || name.startsWith("dev:")) continue;
    out[name] = value;
  }
  return out;
}

/** Required attributes of the pool the user has no value for: they must come with the answer. */
export function missingRequiredAttributes(s: Opened, attributes: Record<string, string>): string[] {
  const out: string[] = [];
  for (const def of s.pool.config.SchemaAttributes ?? []) {
    const name = def.Name ?? "";
    if (def.Required && name !== "sub" && !(name in attributes)) out.push(name);
  }
  return out;
}

/**
 * The NEW_PASSWORD_REQUIRED challenge, once the temporary password (or an SRP proof of it)
 * was right: a temporary password older than the pool's TemporaryPasswordValidityDays is
 * refused instead. `requiredAttributes` and `userAttributes` are JSON strings, as clients
 * parse them; the Session carries the rest of the sign-in.
 */
export async function requireNewPassword(
  deps: Pick<Deps, "clock" | "serverSecret" | "random">,
  s: Opened,
  user: UserRecord,
  flow: { authFlow: NewPasswordFlow },
): Promise<SignInResponse> {
  const now = deps.clock.now();
  if (user.passwordChangedAt !== null && now - user.passwordChangedAt > temporaryPasswordValidityMs(s)) {
    fail("NotAuthorizedException", TEMPORARY_PASSWORD_EXPIRED);
  }
  const session = newSession(deps, s.client, {
    challenge: "NEW_PASSWORD_REQUIRED",
    poolId: s.pool.id,
    clientId: s.client.clientId,
    username: user.username,
    flow: flow.authFlow,
    admin: isAdmin(s),
    startedAt: now,
    failedAttempts: 0,
    userTag: passwordTag(user),
  });
  const attributes = challengeAttributes(user);
  return {
    ChallengeName: "NEW_PASSWORD_REQUIRED",
    Session: session,
    ChallengeParameters: {
      USER_ID_FOR_SRP: user.username,
      requiredAttributes: JSON.stringify(
        missingRequiredAttributes(s, attributes).map((n) => `userAttributes.${n}`),
      ),
      userAttributes: JSON.stringify(attributes),
    },
  };
}
