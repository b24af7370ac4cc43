// CreateUserPool — a new user pool with Cognito's defaults for what is not given (SigV4).
import type {
  CreateUserPoolRequest,
  CreateUserPoolResponse,
} from "@aws-sdk/client-cognito-identity-provider";
import { newPoolId, poolArn } from "../domain/ids.js";
import { createPoolConfig, describePool } from "../domain/pool.js";
import type { Wire } from "../protocol/wire.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const CreateUserPool = defineOperation({
  name: "CreateUserPool",
  errors: [
    "InvalidParameterException",
    "TooManyRequestsException",
    "LimitExceededException",
    "InvalidSmsRoleAccessPolicyException",
    "InvalidSmsRoleTrustRelationshipException",
    "InvalidEmailRoleAccessPolicyException",
    "NotAuthorizedException",
    "UserPoolTaggingException",
    "InternalErrorException",
    "TierChangeNotAllowedException",
    "FeatureUnavailableInTierException",
  ],
  handler: async (
    deps: Pick<Deps, "store" | "clock" | "random" | "config">,
    input: Wire<CreateUserPoolRequest>,
  ): Promise<Wire<CreateUserPoolResponse>> => {
    const config = createPoolConfig(input);
    const now = deps.clock.now();
    const id = newPoolId(deps.random, deps.config.region);
    const name = input.PoolName as string;
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
});
