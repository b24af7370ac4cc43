// ListUserPoolClients — the pool's clients in id order (SigV4).

import { decodeToken, encodeToken } from "../domain/paging.js";
import { fail, messages } from "../protocol/errors.js";
import type { ListUserPoolClientsResponse } from "../protocol/generated/shapes.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const ListUserPoolClients = defineOperation(
  "ListUserPoolClients",
  async (deps: Pick<Deps, "store">, input) => {
    const poolId = input.UserPoolId;
    if (!(await deps.store.read.pools.get(poolId)))
      fail("ResourceNotFoundException", messages.poolNotFound(poolId));
    // MaxResults 0 or absent: Cognito's page size.
    const max = input.MaxResults || 60;
    const rows = await deps.store.read.clients.list(
      poolId,
      max + 1,
      decodeToken(input.NextToken, "NextToken"),
    );
    const page = rows.slice(0, max);
    const out: ListUserPoolClientsResponse = {
      UserPoolClients: page.map((c) => ({
        ClientId: c.clientId,
        UserPoolId: c.poolId,
        ClientName: c.clientName,
      })),
    };
    const last = page.at(-1);
    if (rows.length > max && last) out.NextToken = encodeToken(last.clientId);
    return out;
  },
);
