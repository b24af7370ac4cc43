// AdminListUserAuthEvents — a user's auth events, newest first, MaxResults at a time (SigV4;
// the pool needs the threat-protection add-on). docs/admin-users.md, "Auth events".
import { fail, messages } from "../protocol/errors.js";
import type { AdminListUserAuthEventsResponse } from "../protocol/generated/shapes.js";
import { authEventType, requireAddOn, WIRE_EVENT_TYPES } from "../services/authEventList.js";
import { nextPageToken, pagePosition } from "../services/paging.js";
import { findUser } from "../services/users.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const AdminListUserAuthEvents = defineOperation(
  "AdminListUserAuthEvents",
  async (deps: Pick<Deps, "store" | "directory" | "serverSecret" | "clock">, input, ctx) => {
    const pool = await deps.directory.pool(input.UserPoolId);
    requireAddOn(pool);
    const user = await findUser(deps.store.read, pool, input.Username);
    if (!user) fail("UserNotFoundException", messages.userNotFound);
    const scope = `AdminListUserAuthEvents|${pool.id}|${user.username}`;
    const position = pagePosition(deps, scope, input.NextToken, ctx);
    const [at, id] = position ?? [];
    const before = at !== undefined && id !== undefined ? { createdAt: Number(at), id } : null;
    const limit = input.MaxResults || 60;
    const rows = await deps.store.read.events.pageForUser(pool.id, user.username, {
      types: Object.keys(WIRE_EVENT_TYPES),
      since: 0,
      before,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const out: AdminListUserAuthEventsResponse = { AuthEvents: page.map(authEventType) };
    const last = page.at(-1);
    if (rows.length > limit && last) {
      out.NextToken = nextPageToken(deps, scope, [String(last.createdAt), last.id]);
    }
    return out;
  },
);
