// UpdateUserPoolClient — replaces the client's settings; those not sent return to their
// defaults, as in Cognito. The secret is kept (SigV4).
import { clientSettings, describeClient } from "../domain/clients.js";
import type { ClientRecord } from "../ports/store/index.js";
import { fail, messages } from "../protocol/errors.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

type Outcome = { kind: "ok"; client: ClientRecord } | { kind: "noClient" };

export const UpdateUserPoolClient = defineOperation(
  "UpdateUserPoolClient",
  async (deps: Pick<Deps, "store" | "clock" | "directory">, input) => {
    const { UserPoolId, ClientId: clientId, ClientName, ...settings } = input;
    const config = clientSettings(settings);
    const now = deps.clock.now();
    const outcome = await deps.store.transaction(async (tx): Promise<Outcome> => {
      const client = await tx.clients.get(clientId);
      if (!client || client.poolId !== UserPoolId) return { kind: "noClient" };
      const next: ClientRecord = {
        ...client,
        clientName: ClientName ?? client.clientName,
        config,
        lastModifiedDate: now,
      };
      await tx.clients.update(next);
      return { kind: "ok", client: next };
    });
    if (outcome.kind === "noClient") fail("ResourceNotFoundException", messages.clientNotFound(clientId));
    deps.directory.forgetClient(clientId);
    return { UserPoolClient: describeClient(outcome.client) };
  },
);
