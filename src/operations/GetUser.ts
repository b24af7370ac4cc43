// GetUser — the signed-in user's attributes, by access token (auth: none; the token is the
// credential). Attributes are those the token's app client may read (ReadAttributes); the MFA
// members are left out while the user has no MFA (docs/mfa.md).
import { attributeList } from "../domain/attributes.js";
import { fail } from "../protocol/errors.js";
import { mfaMembers } from "../services/mfa.js";
import { SIGN_IN_MESSAGES } from "../services/signIn/password.js";
import { readAttributesOf, type TokenDeps, verifyAccessToken } from "../services/tokens/index.js";
import { defineOperation } from "./define.js";

export const GetUser = defineOperation("GetUser", async (deps: TokenDeps, input) => {
  const { user, clientId } = await verifyAccessToken(deps, input.AccessToken);
  if (user.status === "UNCONFIRMED") fail("UserNotConfirmedException", SIGN_IN_MESSAGES.notConfirmed);
  if (user.status === "RESET_REQUIRED") {
    fail("PasswordResetRequiredException", SIGN_IN_MESSAGES.resetRequired);
  }
  const client = await deps.directory.findClient(clientId);
  const readable = client ? readAttributesOf(client) : undefined;
  return {
    Username: user.username,
    // sub is always readable: it names the user.
    UserAttributes: attributeList(user, readable === undefined ? undefined : ["sub", ...readable]),
    ...mfaMembers(user),
  };
});
