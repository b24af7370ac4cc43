// Where a user's groups are read for their tokens (cognito:groups, cognito:roles,
// cognito:preferred_role, and PreTokenGeneration's groupConfiguration).
//
// THE SEAM FOR GROUPS: Cognate has no groups aggregate yet (CreateGroup, AdminAddUserToGroup
// come with the groups work), so every user is in no group and tokens carry no group claims.
// When groups land, this one function reads them; nothing else in the token service changes.
import type { TokenGroup } from "../../domain/tokens/claims.js";
import type { Deps } from "../../operations/deps.js";
import type { PoolRecord, UserRecord } from "../../ports/store/index.js";

export async function groupsForUser(
  _deps: Pick<Deps, "store">,
  _pool: PoolRecord,
  _user: UserRecord,
): Promise<TokenGroup[]> {
  return [];
}
