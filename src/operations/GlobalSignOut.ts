// GlobalSignOut — the signed-in user ends every session, by access token (auth: none). Every
// refresh token of the user is revoked, and so are the access tokens issued with them
// (docs/signin.md, "Sign-out and revocation"). A token revoked already answers "Access Token
// has been revoked", as Cognito does.
import { fail, ServiceError } from "../protocol/errors.js";
import { SIGN_IN_MESSAGES } from "../services/signIn/password.js";
import {
  ACCESS_TOKEN_REVOKED,
  signOutEverywhere,
  type TokenDeps,
  verifyAccessToken,
} from "../services/tokens/index.js";
import { defineOperation } from "./define.js";

export const GlobalSignOut = defineOperation("GlobalSignOut", async (deps: TokenDeps, input) => {
  const { pool, user } = await verifyAccessToken(deps, input.AccessToken).catch((e: unknown) => {
    // GlobalSignOut has no UserNotFoundException in its model: a deleted user's sessions ended
    // with the deletion, so the token is a revoked one (our choice; Cognito does not say).
    if (e instanceof ServiceError && e.type === "UserNotFoundException") {
      fail("NotAuthorizedException", ACCESS_TOKEN_REVOKED);
    }
    throw e;
  });
  if (user.status === "UNCONFIRMED") fail("UserNotConfirmedException", SIGN_IN_MESSAGES.notConfirmed);
  if (user.status === "RESET_REQUIRED") {
    fail("PasswordResetRequiredException", SIGN_IN_MESSAGES.resetRequired);
  }
  await signOutEverywhere(deps, pool.id, user.username);
  return {};
});
