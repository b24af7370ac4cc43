// The start of every sign-in request: its app client and pool, and the pool's request quota.
// (The public operations' preamble in src/services/ — client, SecretHash, quota — does not fit
// as is: a sign-in checks SECRET_HASH only once it knows the user, since any name of that user
// may have been hashed.)

import type { RequestContext } from "../../operations/define.js";
import type { Deps } from "../../operations/deps.js";
import { fail, messages } from "../../protocol/errors.js";
import { checkPoolQuota } from "../publicRequest.js";
import type { AnyRequest, Opened } from "./request.js";

export async function openSignIn<R extends AnyRequest>(
  deps: Pick<Deps, "directory" | "config" | "store" | "clock">,
  request: R,
  ctx: RequestContext,
): Promise<Opened<R>> {
  if (request.userPoolId !== undefined) {
    // AdminInitiateAuth, AdminRespondToAuthChallenge: the pool first, then a client of that pool.
    const pool = await deps.directory.pool(request.userPoolId);
    const client = await deps.directory.findClient(request.clientId);
    if (!client || client.poolId !== pool.id)
      fail("ResourceNotFoundException", messages.clientNotFound(request.clientId));
    return { request, pool, client, protect: client.config.PreventUserExistenceErrors === "ENABLED", ctx };
  }
  const { client, pool } = await deps.directory.client(request.clientId);
  await checkPoolQuota(deps, pool.id);
  return { request, pool, client, protect: client.config.PreventUserExistenceErrors === "ENABLED", ctx };
}
