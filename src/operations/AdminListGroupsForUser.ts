// AdminListGroupsForUser — the groups a user is in, in name order, Limit at a time (SigV4).
import { fail, messages } from "../protocol/errors.js";
import type { AdminListGroupsForUserResponse } from "../protocol/generated/shapes.js";
import { groupType } from "../services/groups.js";
import { nextPageToken, pagePosition, positionName } from "../services/paging.js";
import { findUser } from "../services/users.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const AdminListGroupsForUser = defineOperation(
  "AdminListGroupsForUser",
  async (deps: Pick<Deps, "store" | "directory" | "serverSecret" | "clock">, input, ctx) => {
    const pool = await deps.directory.pool(input.UserPoolId);
    const user = await findUser(deps.store.read, pool, input.Username);
    if (!user) fail("UserNotFoundException", messages.userNotFound);
    const scope = `AdminListGroupsForUser|${pool.id}|${user.username}`;
    const after = positionName(pagePosition(deps, scope, input.NextToken, ctx));
    const limit = input.Limit || 60;
    const rows = await deps.store.read.groups.listForUser(pool.id, user.username, limit + 1, after);
    const page = rows.slice(0, limit);
    const out: AdminListGroupsForUserResponse = { Groups: page.map(groupType) };
    const last = page.at(-1);
    if (rows.length > limit && last) out.NextToken = nextPageToken(deps, scope, [last.name]);
    return out;
  },
);
