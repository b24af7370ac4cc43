// AdminEnableUser — enables a disabled user (SigV4).
import { setUserEnabled } from "../services/users.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const AdminEnableUser = defineOperation(
  "AdminEnableUser",
  (deps: Pick<Deps, "store" | "directory" | "clock">, input) =>
    setUserEnabled(deps, input.UserPoolId, input.Username, true),
);
