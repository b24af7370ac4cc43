// CreateUserPoolClient — an app client, with a generated secret when asked (SigV4).
import type {
  CreateUserPoolClientRequest,
  CreateUserPoolClientResponse,
} from "@aws-sdk/client-cognito-identity-provider";
import { newClientId, newClientSecret } from "../domain/ids.js";
import type { ClientRecord } from "../ports/store/index.js";
import { fail, messages } from "../protocol/errors.js";
import type { Wire } from "../protocol/wire.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";
import { clientSettings, describeClient } from "./shared/clients.js";

export const CreateUserPoolClient = defineOperation({
  name: "CreateUserPoolClient",
  errors: [
    "InvalidParameterException",
    "ResourceNotFoundException",
    "TooManyRequestsException",
    "LimitExceededException",
    "NotAuthorizedException",
    "ScopeDoesNotExistException",
    "InvalidOAuthFlowException",
    "InternalErrorException",
    "FeatureUnavailableInTierException",
  ],
  handler: async (
    deps: Pick<Deps, "store" | "clock" | "random">,
    input: Wire<CreateUserPoolClientRequest>,
  ): Promise<Wire<CreateUserPoolClientResponse>> => {
    const { UserPoolId, ClientName, GenerateSecret, ClientSecret, ...settings } = input;
    const poolId = UserPoolId as string;
    if (ClientSecret !== undefined && GenerateSecret === false) {
      fail("InvalidParameterException", "ClientSecret can only be set when GenerateSecret is true.");
    }
    const now = deps.clock.now();
    const client: ClientRecord = {
      clientId: newClientId(deps.random),
      poolId,
      clientName: ClientName as string,
      secret: ClientSecret ?? (GenerateSecret ? newClientSecret(deps.random) : null),
      config: clientSettings(settings),
      creationDate: now,
      lastModifiedDate: now,
    };
    await deps.store.transaction(async (tx) => {
      if (!(await tx.pools.get(poolId))) fail("ResourceNotFoundException", messages.poolNotFound(poolId));
      await tx.clients.create(client);
    });
    return { UserPoolClient: describeClient(client) };
  },
});
