// CreateGroup — a new group in the pool, with its description, IAM role and precedence (SigV4).
import { fail, messages } from "../protocol/errors.js";
import { GROUP_MESSAGES, groupType, MAX_GROUPS_PER_POOL } from "../services/groups.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const CreateGroup = defineOperation(
  "CreateGroup",
  async (deps: Pick<Deps, "store" | "directory" | "clock">, input) => {
    const pool = await deps.directory.pool(input.UserPoolId);
    const now = deps.clock.now();
    const group = {
      poolId: pool.id,
      name: input.GroupName,
      description: input.Description ?? null,
      roleArn: input.RoleArn ?? null,
      precedence: input.Precedence ?? null,
      createdAt: now,
      updatedAt: now,
    };
    const outcome = await deps.store.transaction(async (tx) => {
      // The pool's lock makes the count and the insert one step for concurrent creations.
      if (!(await tx.pools.getForUpdate(pool.id))) return "noPool" as const;
      if (await tx.groups.get(pool.id, group.name)) return "exists" as const;
      if ((await tx.groups.count(pool.id)) >= MAX_GROUPS_PER_POOL) return "full" as const;
      return (await tx.groups.createIfAbsent(group)) ? ("ok" as const) : ("exists" as const);
    });
    if (outcome === "noPool") fail("ResourceNotFoundException", messages.poolNotFound(pool.id));
    if (outcome === "exists") fail("GroupExistsException", GROUP_MESSAGES.exists(group.name));
    if (outcome === "full") fail("LimitExceededException", GROUP_MESSAGES.poolFull);
    return { Group: groupType(group) };
  },
);
