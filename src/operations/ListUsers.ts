// ListUsers — the pool's users, optionally filtered on one attribute, Limit at a time (SigV4).
// Each page is one or two index ranges of the store, however large the pool
// (docs/admin-users.md, "ListUsers"); the pagination token holds the last key of the page, so
// paging holds while users are added, and is bound to the pool and filter it came from.
import { userType } from "../domain/attributes.js";
import { parseUserFilter, planFilter, searchedValue } from "../domain/userFilter.js";
import type { UserCursor } from "../ports/store/index.js";
import { fail } from "../protocol/errors.js";
import type { ListUsersResponse } from "../protocol/generated/shapes.js";
import { nextPageToken, pagePosition } from "../services/paging.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

const DEFAULT_LIMIT = 60;

// AttributesToGet "returns an error if not all users in the results have set a value for the
// attribute you request" (API reference); the text is Cognito's (aws-sdk-js #2570, #3091).
const MISSING_ATTRIBUTE = "One or more requested attributes do not exist.";

export const ListUsers = defineOperation(
  "ListUsers",
  async (deps: Pick<Deps, "store" | "directory" | "serverSecret" | "clock">, input, ctx) => {
    const pool = await deps.directory.pool(input.UserPoolId);
    const filter = parseUserFilter(input.Filter);
    if (filter === null) fail("InvalidParameterException", "Error while parsing filter.");
    const plan = planFilter(filter, pool.config);
    const search = plan.kind === "search" ? plan.search : null;
    // The token belongs to this pool and this search (not the filter's spelling).
    const scope = `ListUsers|${pool.id}|${JSON.stringify(plan)}`;
    const position = pagePosition(deps, scope, input.PaginationToken, ctx);
    const after: UserCursor | null =
      position === null ? null : { value: position[0] ?? "", username: position[1] ?? "" };
    if (plan.kind === "nobody") return { Users: [] };

    const limit = input.Limit || DEFAULT_LIMIT;
    const rows = await deps.store.read.users.search(pool.id, search, after, limit + 1);
    const page = rows.slice(0, limit);
    const only = input.AttributesToGet;
    if (only && only.length > 0) {
      for (const u of page) {
        for (const name of only) {
          if (name !== "sub" && u.attributes[name] === undefined)
            fail("InvalidParameterException", MISSING_ATTRIBUTE);
        }
      }
    }
    const out: ListUsersResponse = { Users: page.map((u) => userType(u, only)) };
    const last = page.at(-1);
    if (rows.length > limit && last) {
      const value = search === null ? "" : searchedValue(last, search.field);
      out.PaginationToken = nextPageToken(deps, scope, [value, last.username]);
    }
    return out;
  },
);
