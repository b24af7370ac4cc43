// AdminConfirmSignUp — confirms a user without a code (SigV4). It does not verify the
// user's email or phone (observed: "This will confirm the account BUT NOT the email/device").
import { CLIENT_ID_NOT_APPLICABLE, eventAttributes, postConfirmationEvent } from "../domain/triggerEvents.js";
import type { UserRecord } from "../ports/store/index.js";
import { fail, messages } from "../protocol/errors.js";
import { claimAliases } from "../services/aliases.js";
import { recordAuthEvent } from "../services/authEvents.js";
import { findUser } from "../services/users.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

type Outcome =
  | { kind: "ok"; user: UserRecord }
  | { kind: "status"; status: UserRecord["status"] }
  | { kind: "gone" };

export const AdminConfirmSignUp = defineOperation(
  "AdminConfirmSignUp",
  async (
    deps: Pick<Deps, "directory" | "store" | "clock" | "random" | "config" | "triggers">,
    input,
    ctx,
  ) => {
    const pool = await deps.directory.pool(input.UserPoolId);
    const found = await findUser(deps.store.read, pool, input.Username);
    if (!found) fail("UserNotFoundException", messages.userNotFound);
    const now = deps.clock.now();
    const outcome = await deps.store.transaction(async (tx): Promise<Outcome> => {
      const user = await tx.users.getForUpdate(pool.id, found.username);
      if (!user) return { kind: "gone" };
      if (user.status !== "UNCONFIRMED") return { kind: "status", status: user.status };
      const confirmed: UserRecord = { ...user, status: "CONFIRMED", updatedAt: now };
      await tx.users.update(confirmed);
      await tx.codes.delete(pool.id, user.username, "SIGNUP");
      // Confirming by an administrator forces verified email and phone aliases over; a
      // preferred_username another user holds is never taken, and AdminConfirmSignUp has no
      // AliasExistsException in its model: it is refused as an invalid parameter.
      const aliases = await claimAliases(tx, pool, confirmed, true, now);
      if (aliases.kind === "taken") {
        fail("InvalidParameterException", `An account with the given ${aliases.attribute} already exists.`);
      }
      await recordAuthEvent(tx, deps, {
        poolId: pool.id,
        username: user.username,
        clientId: null,
        eventType: "AdminConfirmSignUp",
        now,
        userAgent: ctx.userAgent,
      });
      return { kind: "ok", user: confirmed };
    });
    if (outcome.kind === "gone") fail("UserNotFoundException", messages.userNotFound);
    if (outcome.kind === "status") fail("NotAuthorizedException", messages.cannotConfirm(outcome.status));
    if (deps.triggers.configured(pool, "PostConfirmation")) {
      const event = postConfirmationEvent(
        {
          region: deps.config.region,
          userPoolId: pool.id,
          userName: outcome.user.username,
          clientId: CLIENT_ID_NOT_APPLICABLE,
          userAgent: ctx.userAgent,
        },
        eventAttributes(outcome.user),
        input.ClientMetadata,
      );
      await deps.triggers.invoke(pool, "PostConfirmation", event);
    }
    return {};
  },
);
