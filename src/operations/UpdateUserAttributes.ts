// UpdateUserAttributes — the signed-in user changes their own attributes (auth: the access
// token), within the app client's WriteAttributes. A changed email or phone number gets a
// verification code, listed in CodeDeliveryDetailsList; in a pool that keeps the verified
// value until the new one is verified, the change waits (VerifyUserAttribute applies it).
// Behaviour and sources: docs/recovery.md, "Attribute changes".
import { attributeUpdates } from "../domain/attributeEdits.js";
import { deliveryDetails } from "../domain/delivery.js";
import { fail, messages } from "../protocol/errors.js";
import { changeAttributes } from "../services/attributeChanges.js";
import { openSelfService, userWriter } from "../services/selfService.js";
import type { TokenDeps } from "../services/tokens/index.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const UpdateUserAttributes = defineOperation(
  "UpdateUserAttributes",
  async (deps: TokenDeps & Pick<Deps, "serverSecret" | "delivery">, input, ctx) => {
    const { pool, user, client, clientId } = await openSelfService(deps, input.AccessToken);
    const writer = userWriter(client);
    const edit = attributeUpdates(input.UserAttributes, pool.config, user, writer);
    const outcome = await changeAttributes(deps, {
      pool,
      user,
      edit,
      writer,
      clientId,
      clientMetadata: input.ClientMetadata,
      userAgent: ctx.userAgent,
    });
    if (outcome.kind === "gone") fail("UserNotFoundException", messages.userNotFound);
    // Always present, empty when nothing was sent: clients iterate it without a check.
    return { CodeDeliveryDetailsList: outcome.sent.map(deliveryDetails) };
  },
);
