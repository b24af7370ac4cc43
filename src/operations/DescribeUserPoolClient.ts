// DescribeUserPoolClient — the client's settings, with its secret when it has one (SigV4).
import type {
  DescribeUserPoolClientRequest,
  DescribeUserPoolClientResponse,
} from "@aws-sdk/client-cognito-identity-provider";
import { describeClient } from "../domain/clients.js";
import { fail, messages } from "../protocol/errors.js";
import type { Wire } from "../protocol/wire.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const DescribeUserPoolClient = defineOperation({
  name: "DescribeUserPoolClient",
  errors: [
    "ResourceNotFoundException",
    "InvalidParameterException",
    "TooManyRequestsException",
    "NotAuthorizedException",
    "InternalErrorException",
  ],
  handler: async (
    deps: Pick<Deps, "directory">,
    input: DescribeUserPoolClientRequest,
  ): Promise<Wire<DescribeUserPoolClientResponse>> => {
    const clientId = input.ClientId as string;
    const client = await deps.directory.findClient(clientId);
    if (!client || client.poolId !== input.UserPoolId)
      fail("ResourceNotFoundException", messages.clientNotFound(clientId));
    return { UserPoolClient: describeClient(client) };
  },
});
