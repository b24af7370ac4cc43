// REFRESH_TOKEN_AUTH (and its synonym REFRESH_TOKEN) through InitiateAuth or
// AdminInitiateAuth: new ID and access tokens, no new refresh token (docs/signin.md,
// "Refresh"). SECRET_HASH is computed over the user's internal username (the UUID in pools
// that sign in by email or phone); a hash over another of the user's names is accepted too.
import { checkSecretHashAnyName } from "../../domain/passwordSignIn.js";
import { fail, messages } from "../../protocol/errors.js";
import { namesOfUser, openRefresh, reissue, type TokenDeps } from "../tokens/index.js";
import { requireParameter } from "./flows.js";
import type { OpenedSignIn, SignInResponse } from "./request.js";

/** Cognito's wording when a refresh's SECRET_HASH does not match (seen on refresh only). */
export const REFRESH_SECRET_MISMATCH = (clientId: string) =>
  `SecretHash does not match for the client: ${clientId}`;

/**
 * With RefreshTokenRotation ENABLED, Cognito completes refreshes with GetTokensFromRefreshToken
 * only (developer guide, "Refresh tokens"); its answer to REFRESH_TOKEN_AUTH is not documented.
 */
export const ROTATION_NEEDS_GET_TOKENS =
  "Refresh token rotation is enabled for this app client: refresh with GetTokensFromRefreshToken.";

function rotationEnabled(config: Record<string, unknown>): boolean {
  const r = config.RefreshTokenRotation;
  return typeof r === "object" && r !== null && (r as { Feature?: unknown }).Feature === "ENABLED";
}

export async function refreshSignIn(deps: TokenDeps, s: OpenedSignIn): Promise<SignInResponse> {
  const params = s.request.parameters;
  const token = requireParameter(params, "REFRESH_TOKEN");
  if (rotationEnabled(s.client.config)) fail("InvalidParameterException", ROTATION_NEEDS_GET_TOKENS);
  const provided = params.SECRET_HASH;
  if (s.client.secret !== null && provided === undefined) {
    fail("NotAuthorizedException", messages.secretMissing(s.client.clientId));
  }
  const opened = await openRefresh(deps, { pool: s.pool, client: s.client, refreshToken: token });
  const check = checkSecretHashAnyName(
    s.client.secret,
    namesOfUser(opened.user),
    s.client.clientId,
    provided,
  );
  if (check.kind !== "ok") fail("NotAuthorizedException", REFRESH_SECRET_MISMATCH(s.client.clientId));
  // InitiateAuth's ClientMetadata does not reach PreTokenGeneration (service model).
  const result = await reissue(
    deps,
    { pool: s.pool, client: s.client, opened, deviceKey: params.DEVICE_KEY },
    s.ctx,
  );
  return { ChallengeParameters: {}, AuthenticationResult: result };
}
