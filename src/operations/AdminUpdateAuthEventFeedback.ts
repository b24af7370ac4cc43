// AdminUpdateAuthEventFeedback — an administrator marks one of a user's auth events Valid or
// Invalid (SigV4; the pool needs the threat-protection add-on). The feedback is kept with the
// event and shown by AdminListUserAuthEvents, with Provider "Admin"; Cognate scores no risk,
// so it changes nothing else (docs/admin-users.md, "Auth events").
import { fail, messages } from "../protocol/errors.js";
import { requireAddOn } from "../services/authEventList.js";
import { findUser } from "../services/users.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const AdminUpdateAuthEventFeedback = defineOperation(
  "AdminUpdateAuthEventFeedback",
  async (deps: Pick<Deps, "store" | "directory" | "clock">, input) => {
    const pool = await deps.directory.pool(input.UserPoolId);
    requireAddOn(pool);
    const user = await findUser(deps.store.read, pool, input.Username);
    if (!user) fail("UserNotFoundException", messages.userNotFound);
    const feedback = { value: input.FeedbackValue, provider: "Admin", date: deps.clock.now() };
    const set = await deps.store.transaction((tx) =>
      tx.events.setFeedback(pool.id, user.username, input.EventId, feedback),
    );
    // Cognito's wording for an unknown event is not captured.
    if (!set) fail("ResourceNotFoundException", "Auth event not found.");
    return {};
  },
);
