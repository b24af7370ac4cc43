// DeleteUserPool — deletes a pool with its clients and users, unless deletion protection is
// on (SigV4).
import type { DeleteUserPoolRequest } from "@aws-sdk/client-cognito-identity-provider";
import { fail, messages } from "../protocol/errors.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const DeleteUserPool = defineOperation({
  name: "DeleteUserPool",
  errors: [
    "ResourceNotFoundException",
    "InvalidParameterException",
    "TooManyRequestsException",
    "NotAuthorizedException",
    "UserImportInProgressException",
    "InternalErrorException",
  ],
  handler: async (
    deps: Pick<Deps, "store" | "directory">,
    input: DeleteUserPoolRequest,
  ): Promise<Record<string, never>> => {
    const id = input.UserPoolId as string;
    await deps.store.transaction(async (tx) => {
      const pool = await tx.pools.get(id);
      if (!pool) fail("ResourceNotFoundException", messages.poolNotFound(id));
      if (pool.config.DeletionProtection === "ACTIVE") {
        fail(
          "InvalidParameterException",
          "The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.",
        );
      }
      await tx.pools.delete(id);
    });
    deps.directory.forgetPool(id);
    return {};
  },
});
