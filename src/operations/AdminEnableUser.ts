// AdminEnableUser — enables a disabled user (SigV4).
import type { AdminEnableUserRequest } from "@aws-sdk/client-cognito-identity-provider";
import { setUserEnabled } from "../services/users.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const AdminEnableUser = defineOperation({
  name: "AdminEnableUser",
  errors: [
    "ResourceNotFoundException",
    "InvalidParameterException",
    "TooManyRequestsException",
    "NotAuthorizedException",
    "UserNotFoundException",
    "InternalErrorException",
  ],
  handler: (deps: Pick<Deps, "store" | "directory" | "clock">, input: AdminEnableUserRequest) =>
    setUserEnabled(deps, input.UserPoolId as string, input.Username as string, true),
});
