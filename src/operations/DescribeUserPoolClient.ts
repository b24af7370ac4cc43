// DescribeUserPoolClient — the client's settings, with its secret when it has one (SigV4).

import { describeClient } from "../domain/clients.js";
import { fail, messages } from "../protocol/errors.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const DescribeUserPoolClient = defineOperation(
  "DescribeUserPoolClient",
  async (deps: Pick<Deps, "directory">, input) => {
    const clientId = input.ClientId;
    const client = await deps.directory.findClient(clientId);
    if (!client || client.poolId !== input.UserPoolId)
      fail("ResourceNotFoundException", messages.clientNotFound(clientId));
    return { UserPoolClient: describeClient(client) };
  },
);
