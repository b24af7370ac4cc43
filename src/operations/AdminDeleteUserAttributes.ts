// AdminDeleteUserAttributes — removes attributes from a user as an administrator (SigV4). An
// email or phone number goes with its verification flag, its pending change, its code and its
// alias. Behaviour and sources: docs/recovery.md, "Attribute changes".
import { attributeDeletions } from "../domain/attributeEdits.js";
import { fail, messages } from "../protocol/errors.js";
import { changeAttributes } from "../services/attributeChanges.js";
import { findUser } from "../services/users.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const AdminDeleteUserAttributes = defineOperation(
  "AdminDeleteUserAttributes",
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
    const edit = attributeDeletions(input.UserAttributeNames, pool.config, user, writer);
    const outcome = await changeAttributes(deps, {
      pool,
      user,
      edit,
      writer,
      clientId: null,
      clientMetadata: undefined,
      userAgent: ctx.userAgent,
    });
    if (outcome.kind === "gone") fail("UserNotFoundException", messages.userNotFound);
    return {};
  },
);
