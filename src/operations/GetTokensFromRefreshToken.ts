// GetTokensFromRefreshToken — new ID and access tokens from a refresh token (auth: none), and
// with the client's RefreshTokenRotation a new refresh token too. Amplify v6 ≥ 6.15 refreshes
// with it. The work is in src/services/tokens/getTokens.ts.
import { getTokensFromRefreshToken, type TokenDeps } from "../services/tokens/index.js";
import { defineOperation } from "./define.js";

export const GetTokensFromRefreshToken = defineOperation(
  "GetTokensFromRefreshToken",
  (deps: TokenDeps, input, ctx) =>
    getTokensFromRefreshToken(
      deps,
      {
        refreshToken: input.RefreshToken,
        clientId: input.ClientId,
        clientSecret: input.ClientSecret,
        deviceKey: input.DeviceKey,
        clientMetadata: input.ClientMetadata,
      },
      ctx,
    ),
);
