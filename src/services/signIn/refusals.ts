// Refusing a sign-in by a user who exists but may not sign in now, the same way in every flow
// (password, SRP, custom): the failed attempt is recorded first, then Cognito's answer
// (docs/signin.md, "Failures"). Disabled and unconfirmed users are told so even under
// PreventUserExistenceErrors (Amplify turns UserNotConfirmedException into its confirm-sign-up
// step); a pending password reset is hidden behind "Incorrect username or password." there,
// as the developer guide says.
import type { Deps } from "../../operations/deps.js";
import type { UserRecord } from "../../ports/store/index.js";
import { fail, messages } from "../../protocol/errors.js";
import { recordFailure } from "./events.js";
import type { Opened } from "./request.js";

export const SIGN_IN_MESSAGES = {
  incorrect: "Incorrect username or password.",
  notConfirmed: "User is not confirmed.",
  resetRequired: "Password reset required for the user",
} as const;

type RefusalDeps = Pick<Deps, "random" | "store" | "clock">;

/** Records the failed attempt, then fails the request. */
export async function refuseSignIn(
  deps: RefusalDeps,
  s: Opened,
  user: UserRecord,
  type: "NotAuthorizedException" | "UserNotConfirmedException" | "PasswordResetRequiredException",
  message: string,
): Promise<never> {
  await recordFailure(deps, s, user);
  fail(type, message);
}

/** A disabled user: `User is disabled.` */
export async function refuseDisabled(deps: RefusalDeps, s: Opened, user: UserRecord): Promise<void> {
  if (!user.enabled) await refuseSignIn(deps, s, user, "NotAuthorizedException", messages.userDisabled);
}

/** An unconfirmed user, or one whose password must be reset. */
export async function refuseUnconfirmed(deps: RefusalDeps, s: Opened, user: UserRecord): Promise<void> {
  if (user.status === "UNCONFIRMED") {
    await refuseSignIn(deps, s, user, "UserNotConfirmedException", SIGN_IN_MESSAGES.notConfirmed);
  }
  if (user.status === "RESET_REQUIRED") {
    await (s.protect
      ? refuseSignIn(deps, s, user, "NotAuthorizedException", SIGN_IN_MESSAGES.incorrect)
      : refuseSignIn(deps, s, user, "PasswordResetRequiredException", SIGN_IN_MESSAGES.resetRequired));
  }
}
