// The token service: the one place where tokens are issued, refreshed, checked and revoked
// (docs/signin.md). Other modules import from here.
export {
  CLIENT_SECRET_MISMATCH,
  type GetTokensInput,
  getTokensFromRefreshToken,
  REUSE_MESSAGE,
  rotationOf,
} from "./getTokens.js";
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
export { RETIRED_KEY_LISTED_MS, type RotatedKeys, rotateSigningKeys, SigningKeys } from "./keys.js";
export {
  namesOfUser,
  type OpenedRefresh,
  openRefresh,
  REFRESH_MESSAGES,
  refreshTokens,
  reissue,
} from "./refresh.js";
export {
  REVOKE_MESSAGES,
  revokeAllTokensOfUser,
  revokeRefreshTokenFamily,
  revokeToken,
  signOutEverywhere,
} from "./revoke.js";
export {
  ACCESS_TOKEN_REVOKED,
  familyOf,
  MISSING_SCOPE,
  type VerifiedAccessToken,
  verifyAccessToken,
} from "./verify.js";
