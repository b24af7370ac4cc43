// DescribeUserPool — the pool's settings (SigV4).
import { poolArn, regionOfPool } from "../domain/ids.js";
import { describePool } from "../domain/pool.js";
import { fail, messages } from "../protocol/errors.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const DescribeUserPool = defineOperation(
  "DescribeUserPool",
  async (deps: Pick<Deps, "store" | "config">, input) => {
    const id = input.UserPoolId;
    const pool = await deps.store.read.pools.get(id);
    if (!pool) fail("ResourceNotFoundException", messages.poolNotFound(id));
    const users = await deps.store.read.pools.countUsers(id);
    return {
      UserPool: describePool({
        id,
        name: pool.name,
        arn: poolArn(regionOfPool(id), deps.config.accountId, id),
        config: pool.config,
        creationDate: pool.creationDate,
        lastModifiedDate: pool.lastModifiedDate,
        estimatedNumberOfUsers: users,
      }),
    };
  },
);
