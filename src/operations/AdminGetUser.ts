// AdminGetUser — a user's status and attributes (SigV4).
import type { AdminGetUserRequest, AdminGetUserResponse } from "@aws-sdk/client-cognito-identity-provider";
import { attributeList } from "../domain/attributes.js";
import { fail, messages } from "../protocol/errors.js";
import { epochSeconds, type Wire } from "../protocol/wire.js";
import { findUser } from "../services/users.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const AdminGetUser = defineOperation({
  name: "AdminGetUser",
  errors: [
    "ResourceNotFoundException",
    "InvalidParameterException",
    "TooManyRequestsException",
    "NotAuthorizedException",
    "UserNotFoundException",
    "InternalErrorException",
  ],
  handler: async (
    deps: Pick<Deps, "store" | "directory">,
    input: AdminGetUserRequest,
  ): Promise<Wire<AdminGetUserResponse>> => {
    const pool = await deps.directory.pool(input.UserPoolId as string);
    const user = await findUser(deps.store.read, pool, input.Username as string);
    if (!user) fail("UserNotFoundException", messages.userNotFound);
    return {
      Username: user.username,
      UserAttributes: attributeList(user),
      UserCreateDate: epochSeconds(user.createdAt),
      UserLastModifiedDate: epochSeconds(user.updatedAt),
      Enabled: user.enabled,
      UserStatus: user.status,
    };
  },
});
