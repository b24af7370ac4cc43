// Challenges a sign-in may lead to instead of tokens.
//
// THE SEAM FOR NEW_PASSWORD_REQUIRED: a user in FORCE_CHANGE_PASSWORD (made by
// AdminCreateUser) who gave the right temporary password must choose a new one. The next phase
// answers here with the NEW_PASSWORD_REQUIRED challenge (after checking the temporary
// password's age against TemporaryPasswordValidityDays) and completes it in
// RespondToAuthChallenge. Until then the sign-in is refused with a modeled error that says so.
import type { Deps } from "../../operations/deps.js";
import type { UserRecord } from "../../ports/store/index.js";
import { fail } from "../../protocol/errors.js";
import type { OpenedSignIn, SignInResponse } from "./request.js";

export const NEW_PASSWORD_NOT_SUPPORTED =
  "Cognate does not support the NEW_PASSWORD_REQUIRED challenge yet: the user must be given a permanent password first.";

export async function requireNewPassword(
  _deps: Pick<Deps, "clock">,
  _s: OpenedSignIn,
  _user: UserRecord,
): Promise<SignInResponse> {
  fail("InvalidParameterException", NEW_PASSWORD_NOT_SUPPORTED);
}
