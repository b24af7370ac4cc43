// CreateUserPoolClient — an app client, with a generated secret when asked (SigV4).

import { clientSettings, describeClient } from "../domain/clients.js";
import { newClientId, newClientSecret } from "../domain/ids.js";
import type { ClientRecord } from "../ports/store/index.js";
import { fail, messages } from "../protocol/errors.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

type Outcome = { kind: "ok" } | { kind: "noPool" };

export const CreateUserPoolClient = defineOperation(
  "CreateUserPoolClient",
  async (deps: Pick<Deps, "store" | "clock" | "random">, input) => {
    const { UserPoolId: poolId, ClientName, GenerateSecret, ClientSecret, ...settings } = input;
    if (ClientSecret !== undefined && GenerateSecret === false) {
      fail("InvalidParameterException", "ClientSecret can only be set when GenerateSecret is true.");
    }
    const now = deps.clock.now();
    const client: ClientRecord = {
      clientId: newClientId(deps.random),
      poolId,
      clientName: ClientName,
      secret: ClientSecret ?? (GenerateSecret ? newClientSecret(deps.random) : null),
      config: clientSettings(settings),
      creationDate: now,
      lastModifiedDate: now,
    };
    const outcome = await deps.store.transaction(async (tx): Promise<Outcome> => {
      if (!(await tx.pools.get(poolId))) return { kind: "noPool" };
      await tx.clients.create(client);
      return { kind: "ok" };
    });
    if (outcome.kind === "noPool") fail("ResourceNotFoundException", messages.poolNotFound(poolId));
    return { UserPoolClient: describeClient(client) };
  },
);
