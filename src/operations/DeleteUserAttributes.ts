// DeleteUserAttributes — the signed-in user removes some of their own attributes (auth: the
// access token), within the app client's WriteAttributes. An email or phone number goes with
// its verification flag, pending change, code and alias. Behaviour and sources:
// docs/recovery.md, "Attribute changes".
import { attributeDeletions } from "../domain/attributeEdits.js";
import { fail, messages } from "../protocol/errors.js";
import { changeAttributes } from "../services/attributeChanges.js";
import { openSelfService, userWriter } from "../services/selfService.js";
import type { TokenDeps } from "../services/tokens/index.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const DeleteUserAttributes = defineOperation(
  "DeleteUserAttributes",
  async (deps: TokenDeps & Pick<Deps, "serverSecret" | "delivery">, input, ctx) => {
    const { pool, user, client, clientId } = await openSelfService(deps, input.AccessToken);
    const writer = userWriter(client);
    const edit = attributeDeletions(input.UserAttributeNames, pool.config, user, writer);
    const outcome = await changeAttributes(deps, {
      pool,
      user,
      edit,
      writer,
      clientId,
      clientMetadata: undefined,
      userAgent: ctx.userAgent,
    });
    if (outcome.kind === "gone") fail("UserNotFoundException", messages.userNotFound);
    return {};
  },
);
