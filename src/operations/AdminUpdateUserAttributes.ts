// AdminUpdateUserAttributes — sets or removes a user's attributes as an administrator (SigV4):
// any attribute but `sub`, developer-only ones and the verification flags included. A changed
// email or phone number is verified at once when the request also sets its `<attr>_verified`
// to true; otherwise it follows the pool's verification settings and a code goes to the new
// value. Behaviour and sources: docs/recovery.md, "Attribute changes".
import { attributeUpdates } from "../domain/attributeEdits.js";
import { fail, messages } from "../protocol/errors.js";
import { changeAttributes } from "../services/attributeChanges.js";
import { findUser } from "../services/users.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const AdminUpdateUserAttributes = defineOperation(
  "AdminUpdateUserAttributes",
  async (
    deps: Pick<
      Deps,
      "directory" | "store" | "clock" | "random" | "serverSecret" | "config" | "delivery" | "triggers"
    >,
    input,
    ctx,
  ) => {
    const pool = await deps.directory.pool(input.UserPoolId);
    const user = await findUser(deps.store.read, pool, input.Username);
    if (!user) fail("UserNotFoundException", messages.userNotFound);
    const writer = { kind: "admin" } as const;
    const edit = attributeUpdates(input.UserAttributes, pool.config, user, writer);
    const outcome = await changeAttributes(deps, {
      pool,
      user,
      edit,
      writer,
      clientId: null,
      clientMetadata: input.ClientMetadata,
      userAgent: ctx.userAgent,
    });
    if (outcome.kind === "gone") fail("UserNotFoundException", messages.userNotFound);
    return {};
  },
);
