// ListGroups — the pool's groups in name order, Limit at a time (SigV4).
import type { ListGroupsResponse } from "../protocol/generated/shapes.js";
import { groupType } from "../services/groups.js";
import { nextPageToken, pagePosition, positionName } from "../services/paging.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const ListGroups = defineOperation(
  "ListGroups",
  async (deps: Pick<Deps, "store" | "directory" | "serverSecret" | "clock">, input, ctx) => {
    const pool = await deps.directory.pool(input.UserPoolId);
    const scope = `ListGroups|${pool.id}`;
    const after = positionName(pagePosition(deps, scope, input.NextToken, ctx));
    const limit = input.Limit || 60;
    const rows = await deps.store.read.groups.list(pool.id, limit + 1, after);
    const page = rows.slice(0, limit);
    const out: ListGroupsResponse = { Groups: page.map(groupType) };
    const last = page.at(-1);
    if (rows.length > limit && last) out.NextToken = nextPageToken(deps, scope, [last.name]);
    return out;
  },
);
