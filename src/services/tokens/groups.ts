// Where a user's groups are read for their tokens (cognito:groups, cognito:roles,
// cognito:preferred_role, and PreTokenGeneration's groupConfiguration): the groups service's
// view (src/services/groups.ts); the claims order them by precedence (domain/tokens/claims.ts).
import type { TokenGroup } from "../../domain/tokens/claims.js";
import type { Deps } from "../../operations/deps.js";
import type { PoolRecord, UserRecord } from "../../ports/store/index.js";
import { tokenGroupsForUser } from "../groups.js";

export function groupsForUser(
  deps: Pick<Deps, "store">,
  pool: PoolRecord,
  user: UserRecord,
): Promise<TokenGroup[]> {
  return tokenGroupsForUser(deps, pool, user);
}
