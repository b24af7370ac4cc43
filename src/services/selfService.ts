// What every access-token operation of a user on their own account does first
// (ChangePassword, UpdateUserAttributes, GetUserAttributeVerificationCode, VerifyUserAttribute,
// DeleteUserAttributes, DeleteUser): the token checked by the token service (Invalid / expired
// / revoked / scope / deleted user), then the user's state — an unconfirmed user or one whose
// password an administrator reset cannot act on the account (docs/recovery.md, "Access-token
// operations").
import type { Writer } from "../domain/attributeEdits.js";
import type { ClientRecord, PoolRecord, UserRecord } from "../ports/store/index.js";
import { fail } from "../protocol/errors.js";
import { SIGN_IN_MESSAGES } from "./signIn/password.js";
import { type TokenDeps, verifyAccessToken } from "./tokens/index.js";

export interface SelfServiceRequest {
  pool: PoolRecord;
  user: UserRecord;
  /** The app client the token was issued to (undefined if it was deleted since). */
  client: ClientRecord | undefined;
  clientId: string;
}

export async function openSelfService(deps: TokenDeps, accessToken: string): Promise<SelfServiceRequest> {
  const { pool, user, clientId } = await verifyAccessToken(deps, accessToken);
  if (user.status === "UNCONFIRMED") fail("UserNotConfirmedException", SIGN_IN_MESSAGES.notConfirmed);
  if (user.status === "RESET_REQUIRED") {
    fail("PasswordResetRequiredException", SIGN_IN_MESSAGES.resetRequired);
  }
  const client = await deps.directory.findClient(clientId);
  return { pool, user, client, clientId };
}

/** The user as a writer of their own attributes, bound by the app client's WriteAttributes. */
export function userWriter(client: ClientRecord | undefined): Writer {
  const write = client?.config.WriteAttributes;
  return {
    kind: "user",
    writeAttributes: Array.isArray(write)
      ? write.filter((w): w is string => typeof w === "string")
      : undefined,
  };
}
