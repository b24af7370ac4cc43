// The token service: the one place where tokens are issued, refreshed, checked and revoked
// (docs/signin.md). Other modules import from here.
export { groupsForUser } from "./groups.js";
export {
  type IssueTokensInput,
  issueTokens,
  readAttributesOf,
  revocationEnabled,
  type TokenContext,
  type TokenDeps,
} from "./issue.js";
export { issuerMode, poolIdOfIssuer, poolIssuer } from "./issuer.js";
export { RETIRED_KEY_LISTED_MS, SigningKeys } from "./keys.js";
export {
  namesOfUser,
  type OpenedRefresh,
  openRefresh,
  REFRESH_MESSAGES,
  refreshTokens,
  reissue,
} from "./refresh.js";
export { revokeAllTokensOfUser, revokeRefreshTokenFamily } from "./revoke.js";
export { familyOf, MISSING_SCOPE, type VerifiedAccessToken, verifyAccessToken } from "./verify.js";
