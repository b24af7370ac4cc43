// AdminEnableUser — enables a disabled user (SigV4).
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";
import { setUserEnabled } from "./shared/setEnabled.js";

export const AdminEnableUser = defineOperation(
  "AdminEnableUser",
  (deps: Pick<Deps, "store" | "directory" | "clock">, input) =>
    setUserEnabled(deps, input.UserPoolId, input.Username, true),
);
