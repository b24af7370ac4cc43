// GetGroup — one group of the pool (SigV4).
import { groupType, requireGroup } from "../services/groups.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const GetGroup = defineOperation(
  "GetGroup",
  async (deps: Pick<Deps, "store" | "directory">, input) => {
    const pool = await deps.directory.pool(input.UserPoolId);
    return { Group: groupType(await requireGroup(deps, pool, input.GroupName)) };
  },
);
