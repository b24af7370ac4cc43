// GET /{poolId}/.well-known/jwks.json and /{poolId}/.well-known/openid-configuration: the
// pool's public signing keys and its discovery document (docs/signin.md, "Issuer and JWKS").
// Served on Cognate's own address whatever the issuer setting, so that a verifier configured
// with the `aws` issuer can still be handed the keys (aws-jwt-verify's cacheJwks, or a fetcher
// that maps Cognito's URL to this one).
import { issuerFor, jwksUri } from "../domain/tokens/validity.js";
import type { Deps } from "../operations/deps.js";
import { issuerMode, poolIssuer } from "../services/tokens/index.js";

const PATH = /^\/([\w-]+_[0-9a-zA-Z]+)\/\.well-known\/(jwks\.json|openid-configuration)$/;

export interface WellKnownAnswer {
  status: number;
  body: unknown;
}

/** The answer for a well-known path, or null when the path is not one. */
export async function handleWellKnown(
  deps: Pick<Deps, "directory" | "signingKeys" | "config">,
  pathname: string,
): Promise<WellKnownAnswer | null> {
  const m = PATH.exec(pathname);
  if (!m) return null;
  const [, poolId = "", doc] = m;
  const pool = poolId.length <= 55 ? await deps.directory.findPool(poolId) : undefined;
  if (!pool) return { status: 404, body: { message: `User pool ${poolId} does not exist.` } };
  if (doc === "jwks.json") return { status: 200, body: await deps.signingKeys.jwks(pool.id) };
  const issuer = poolIssuer(deps.config, pool.id);
  // The keys are always here, on Cognate's address, also when the issuer is Cognito's URL.
  const self = issuerMode({ ...deps.config, issuer: "self" });
  // The members every discovery client requires, as a Cognito pool without a domain lists
  // them; Cognate has no hosted UI, so no authorization, token or userinfo endpoint.
  return {
    status: 200,
    body: {
      id_token_signing_alg_values_supported: ["RS256"],
      issuer,
      jwks_uri: jwksUri(issuerFor(self, pool.id)),
      response_types_supported: ["code", "id_token", "token id_token", "none"],
      subject_types_supported: ["public"],
    },
  };
}
