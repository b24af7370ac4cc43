// AdminDisableUser — disables a user: public operations then treat them as disabled ("User is disabled.", or a simulated answer under PreventUserExistenceErrors) (SigV4).
import type { AdminDisableUserRequest } from "@aws-sdk/client-cognito-identity-provider";
import { setUserEnabled } from "../services/users.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const AdminDisableUser = defineOperation({
  name: "AdminDisableUser",
  errors: [
    "ResourceNotFoundException",
    "InvalidParameterException",
    "TooManyRequestsException",
    "NotAuthorizedException",
    "UserNotFoundException",
    "InternalErrorException",
  ],
  handler: (deps: Pick<Deps, "store" | "directory" | "clock">, input: AdminDisableUserRequest) =>
    setUserEnabled(deps, input.UserPoolId as string, input.Username as string, false),
});
