// RevokeToken — ends one session: a refresh token and the access tokens issued with it or
// refreshed from it (auth: none; the app client proves itself with its ClientSecret when it
// has one). The work and the answers are in src/services/tokens/revoke.ts.
import { revokeToken, type TokenDeps } from "../services/tokens/index.js";
import { defineOperation } from "./define.js";

export const RevokeToken = defineOperation("RevokeToken", async (deps: TokenDeps, input) => {
  await revokeToken(deps, { token: input.Token, clientId: input.ClientId, clientSecret: input.ClientSecret });
  return {};
});
