// DeleteUserPoolClient (SigV4).
import type { DeleteUserPoolClientRequest } from "@aws-sdk/client-cognito-identity-provider";
import { fail, messages } from "../protocol/errors.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const DeleteUserPoolClient = defineOperation({
  name: "DeleteUserPoolClient",
  errors: [
    "ResourceNotFoundException",
    "InvalidParameterException",
    "TooManyRequestsException",
    "NotAuthorizedException",
    "ConcurrentModificationException",
    "InternalErrorException",
  ],
  handler: async (
    deps: Pick<Deps, "store" | "directory">,
    input: DeleteUserPoolClientRequest,
  ): Promise<Record<string, never>> => {
    const clientId = input.ClientId as string;
    const deleted = await deps.store.transaction((tx) =>
      tx.clients.delete(input.UserPoolId as string, clientId),
    );
    if (!deleted) fail("ResourceNotFoundException", messages.clientNotFound(clientId));
    deps.directory.forgetClient(clientId);
    return {};
  },
});
