// ListUsers — the pool's users, optionally filtered, Limit at a time (SigV4).
import { attributeList } from "../domain/attributes.js";
import { decodeToken, encodeToken } from "../domain/paging.js";
import { matchesFilter, parseUserFilter } from "../domain/userFilter.js";
import { fail } from "../protocol/errors.js";
import type { ListUsersResponse, UserType } from "../protocol/generated/shapes.js";
import { epochSeconds } from "../protocol/wire.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

const SCAN_PAGE = 500;

export const ListUsers = defineOperation(
  "ListUsers",
  async (deps: Pick<Deps, "store" | "directory">, input) => {
    const pool = await deps.directory.pool(input.UserPoolId);
    const filter = parseUserFilter(input.Filter);
    if (filter === null) fail("InvalidParameterException", "Error while parsing filter.");
    const limit = input.Limit || 60;
    let after = decodeToken(input.PaginationToken, "PaginationToken");
    const users: UserType[] = [];
    let lastSeen: string | null = null;
    let more = false;
    // Scan in username order, keeping matches, until the page is full.
    scan: for (;;) {
      const rows = await deps.store.read.users.list(pool.id, SCAN_PAGE, after);
      for (const u of rows) {
        if (filter && !matchesFilter(u, filter)) {
          lastSeen = u.username;
          continue;
        }
        if (users.length === limit) {
          more = true;
          break scan;
        }
        users.push({
          Username: u.username,
          Attributes: attributeList(u, input.AttributesToGet),
          UserCreateDate: epochSeconds(u.createdAt),
          UserLastModifiedDate: epochSeconds(u.updatedAt),
          Enabled: u.enabled,
          UserStatus: u.status,
        });
        lastSeen = u.username;
      }
      if (rows.length < SCAN_PAGE) break;
      after = rows.at(-1)?.username ?? after;
    }
    const out: ListUsersResponse = { Users: users };
    if (more && lastSeen !== null) out.PaginationToken = encodeToken(lastSeen);
    return out;
  },
);
