// UpdateUserPoolClient — replaces the client's settings; those not sent return to their
// defaults, as in Cognito. The secret is kept (SigV4).
import type {
  UpdateUserPoolClientRequest,
  UpdateUserPoolClientResponse,
} from "@aws-sdk/client-cognito-identity-provider";
import type { ClientRecord } from "../ports/store/index.js";
import { fail, messages } from "../protocol/errors.js";
import type { Wire } from "../protocol/wire.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";
import { clientSettings, describeClient } from "./shared/clients.js";

export const UpdateUserPoolClient = defineOperation({
  name: "UpdateUserPoolClient",
  errors: [
    "ResourceNotFoundException",
    "InvalidParameterException",
    "ConcurrentModificationException",
    "TooManyRequestsException",
    "NotAuthorizedException",
    "ScopeDoesNotExistException",
    "InvalidOAuthFlowException",
    "InternalErrorException",
    "FeatureUnavailableInTierException",
  ],
  handler: async (
    deps: Pick<Deps, "store" | "clock" | "directory">,
    input: Wire<UpdateUserPoolClientRequest>,
  ): Promise<Wire<UpdateUserPoolClientResponse>> => {
    const { UserPoolId, ClientId, ClientName, ...settings } = input;
    const clientId = ClientId as string;
    const config = clientSettings(settings);
    const now = deps.clock.now();
    const updated = await deps.store.transaction(async (tx): Promise<ClientRecord> => {
      const client = await tx.clients.get(clientId);
      if (!client || client.poolId !== UserPoolId)
        fail("ResourceNotFoundException", messages.clientNotFound(clientId));
      const next: ClientRecord = {
        ...client,
        clientName: ClientName ?? client.clientName,
        config,
        lastModifiedDate: now,
      };
      await tx.clients.update(next);
      return next;
    });
    deps.directory.forgetClient(clientId);
    return { UserPoolClient: describeClient(updated) };
  },
});
