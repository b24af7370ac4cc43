import { checkSecretHash } from "../../domain/secretHash.js";
import type { ClientRecord } from "../../ports/store/index.js";
import { fail, messages } from "../../protocol/errors.js";

/** Enforces SecretHash for clients that have a secret (NotAuthorizedException otherwise). */
export function requireSecretHash(
  client: ClientRecord,
  username: string,
  provided: string | undefined,
): void {
  const r = checkSecretHash(client.secret, username, client.clientId, provided);
  if (r.kind === "missing") fail("NotAuthorizedException", messages.secretMissing(client.clientId));
  if (r.kind === "mismatch") fail("NotAuthorizedException", messages.secretWrong(client.clientId));
}
