// DescribeUserPool — the pool's settings (SigV4).
import type {
  DescribeUserPoolRequest,
  DescribeUserPoolResponse,
} from "@aws-sdk/client-cognito-identity-provider";
import { poolArn, regionOfPool } from "../domain/ids.js";
import { describePool } from "../domain/pool.js";
import { fail, messages } from "../protocol/errors.js";
import type { Wire } from "../protocol/wire.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const DescribeUserPool = defineOperation({
  name: "DescribeUserPool",
  errors: [
    "ResourceNotFoundException",
    "InvalidParameterException",
    "TooManyRequestsException",
    "NotAuthorizedException",
    "UserPoolTaggingException",
    "InternalErrorException",
  ],
  handler: async (
    deps: Pick<Deps, "store" | "config">,
    input: DescribeUserPoolRequest,
  ): Promise<Wire<DescribeUserPoolResponse>> => {
    const id = input.UserPoolId as string;
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
});
