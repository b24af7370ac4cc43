// CreateUserPool — a new user pool with Cognito's defaults for what is not given (SigV4).
import { newPoolId, poolArn } from "../domain/ids.js";
import { createPoolConfig, describePool } from "../domain/pool.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const CreateUserPool = defineOperation(
  "CreateUserPool",
  async (deps: Pick<Deps, "store" | "clock" | "random" | "config">, input) => {
    const config = createPoolConfig(input);
    const now = deps.clock.now();
    const id = newPoolId(deps.random, deps.config.region);
    const name = input.PoolName;
    await deps.store.transaction((tx) =>
      tx.pools.create({ id, name, config, creationDate: now, lastModifiedDate: now }),
    );
    return {
      UserPool: describePool({
        id,
        name,
        arn: poolArn(deps.config.region, deps.config.accountId, id),
        config,
        creationDate: now,
        lastModifiedDate: now,
        estimatedNumberOfUsers: 0,
      }),
    };
  },
);
