// DeleteUserPoolClient (SigV4).
import { fail, messages } from "../protocol/errors.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const DeleteUserPoolClient = defineOperation(
  "DeleteUserPoolClient",
  async (deps: Pick<Deps, "store" | "directory">, input) => {
    const clientId = input.ClientId;
    const deleted = await deps.store.transaction((tx) => tx.clients.delete(input.UserPoolId, clientId));
    if (!deleted) fail("ResourceNotFoundException", messages.clientNotFound(clientId));
    deps.directory.forgetClient(clientId);
    return {};
  },
);
