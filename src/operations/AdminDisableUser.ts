// AdminDisableUser — disables a user: public operations then treat them as disabled ("User is disabled.", or a simulated answer under PreventUserExistenceErrors) (SigV4).
import { setUserEnabled } from "../services/users.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const AdminDisableUser = defineOperation(
  "AdminDisableUser",
  (deps: Pick<Deps, "store" | "directory" | "clock">, input) =>
    setUserEnabled(deps, input.UserPoolId, input.Username, false),
);
