// ListUsersInGroup — a group's users in username order, Limit at a time (SigV4).
import { userType } from "../domain/attributes.js";
import type { ListUsersInGroupResponse } from "../protocol/generated/shapes.js";
import { requireGroup } from "../services/groups.js";
import { nextPageToken, pagePosition, positionName } from "../services/paging.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const ListUsersInGroup = defineOperation(
  "ListUsersInGroup",
  async (deps: Pick<Deps, "store" | "directory" | "serverSecret" | "clock">, input, ctx) => {
    const pool = await deps.directory.pool(input.UserPoolId);
    const group = await requireGroup(deps, pool, input.GroupName);
    const scope = `ListUsersInGroup|${pool.id}|${group.name}`;
    const after = positionName(pagePosition(deps, scope, input.NextToken, ctx));
    const limit = input.Limit || 60;
    const rows = await deps.store.read.groups.members(pool.id, group.name, limit + 1, after);
    const page = rows.slice(0, limit);
    const out: ListUsersInGroupResponse = { Users: page.map((u) => userType(u)) };
    const last = page.at(-1);
    if (rows.length > limit && last) out.NextToken = nextPageToken(deps, scope, [last.username]);
    return out;
  },
);
