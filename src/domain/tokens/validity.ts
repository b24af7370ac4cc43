// How long tokens live, and who issues them (docs/signin-internals.md, "Tokens").
import { regionOfPool } from "../ids.js";

const UNIT_SECONDS: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86_400 };

export interface TokenValidity {
  accessSeconds: number;
  idSeconds: number;
  refreshSeconds: number;
}

/** The part of a stored client configuration that sets token lifetimes (UserPoolClientType). */
export interface ValidityConfig {
  AccessTokenValidity?: unknown;
  IdTokenValidity?: unknown;
  RefreshTokenValidity?: unknown;
  TokenValidityUnits?: unknown;
}

function seconds(value: unknown, unit: unknown, fallbackValue: number, fallbackUnit: string): number {
  const n = typeof value === "number" && Number.isFinite(value) && value > 0 ? value : undefined;
  const u = typeof unit === "string" && unit in UNIT_SECONDS ? unit : undefined;
  // A value without a unit is in the member's default unit; no value means Cognito's default.
  if (n === undefined) return fallbackValue;
  return n * (UNIT_SECONDS[u ?? fallbackUnit] ?? 1);
}

/**
 * Lifetimes from a client's settings: AccessTokenValidity and IdTokenValidity default to one
 * hour (unit hours), RefreshTokenValidity to 30 days (unit days; 0 means the default), as
 * src/domain/clients.ts stores them.
 */
export function tokenValidity(config: ValidityConfig): TokenValidity {
  const units = (
    typeof config.TokenValidityUnits === "object" && config.TokenValidityUnits !== null
      ? config.TokenValidityUnits
      : {}
  ) as Record<string, unknown>;
  return {
    accessSeconds: seconds(config.AccessTokenValidity, units.AccessToken, 3600, "hours"),
    idSeconds: seconds(config.IdTokenValidity, units.IdToken, 3600, "hours"),
    refreshSeconds: seconds(config.RefreshTokenValidity, units.RefreshToken, 30 * 86_400, "days"),
  };
}

/**
 * The `iss` of a pool's tokens.
 * - `self`: the server's public URL + `/{poolId}` (what pycognito and OIDC discovery expect when
 *   pointed at Cognate).
 * - `aws`: `https://cognito-idp.{region}.amazonaws.com/{poolId}` — the form aws-jwt-verify's
 *   CognitoJwtVerifier insists on; the region is the pool id's.
 */
export type IssuerMode = { kind: "self"; publicUrl: string } | { kind: "aws" };

export function issuerFor(mode: IssuerMode, poolId: string): string {
  if (mode.kind === "aws") return `https://cognito-idp.${regionOfPool(poolId)}.amazonaws.com/${poolId}`;
  return `${mode.publicUrl.replace(/\/+$/, "")}/${poolId}`;
}

/** The JWKS URL under an issuer (and the discovery document beside it). */
export function jwksUri(issuer: string): string {
  return `${issuer}/.well-known/jwks.json`;
}

export function openIdConfigurationUri(issuer: string): string {
  return `${issuer}/.well-known/openid-configuration`;
}
