// UpdateUserPool — replaces the pool's updatable settings; those not sent return to their
// defaults, as in Cognito (SigV4).
import type {
  UpdateUserPoolRequest,
  UpdateUserPoolResponse,
} from "@aws-sdk/client-cognito-identity-provider";
import { updatePoolConfig } from "../domain/pool.js";
import { fail, messages } from "../protocol/errors.js";
import type { Wire } from "../protocol/wire.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const UpdateUserPool = defineOperation({
  name: "UpdateUserPool",
  errors: [
    "ResourceNotFoundException",
    "InvalidParameterException",
    "ConcurrentModificationException",
    "TooManyRequestsException",
    "NotAuthorizedException",
    "UserImportInProgressException",
    "InternalErrorException",
    "InvalidSmsRoleAccessPolicyException",
    "InvalidSmsRoleTrustRelationshipException",
    "UserPoolTaggingException",
    "InvalidEmailRoleAccessPolicyException",
    "TierChangeNotAllowedException",
    "FeatureUnavailableInTierException",
  ],
  handler: async (
    deps: Pick<Deps, "store" | "clock" | "directory">,
    input: Wire<UpdateUserPoolRequest>,
  ): Promise<Wire<UpdateUserPoolResponse>> => {
    const id = input.UserPoolId as string;
    const now = deps.clock.now();
    await deps.store.transaction(async (tx) => {
      const pool = await tx.pools.get(id);
      if (!pool) fail("ResourceNotFoundException", messages.poolNotFound(id));
      await tx.pools.update({
        ...pool,
        name: input.PoolName ?? pool.name,
        config: updatePoolConfig(pool.config, input),
        lastModifiedDate: now,
      });
    });
    deps.directory.forgetPool(id);
    return {};
  },
});
