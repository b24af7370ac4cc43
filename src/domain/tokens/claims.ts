// The claims of the ID and access tokens of one issuance (docs/signin-internals.md,
// "Tokens"). Both tokens of an issuance share iat, auth_time, origin_jti and event_id; each has
// its own jti and lifetime.

import type { UserRecord } from "../../ports/store/index.js";
import type { Random } from "../ids.js";
import type { TokenValidity } from "./validity.js";

/** The scope of tokens from the sign-in API (not OAuth): what user-pool APIs require. */
export const ADMIN_SCOPE = "aws.cognito.signin.user.admin";

export type Claims = Record<string, unknown>;

export interface TokenClaims {
  id: Claims;
  access: Claims;
}

export interface TokenGroup {
  name: string;
  /** Lower wins; null (no precedence) comes after every number. */
  precedence: number | null;
  roleArn: string | null;
}

/** Groups in precedence order: lowest Precedence first, null last, then by name. */
export function orderGroups(groups: readonly TokenGroup[]): TokenGroup[] {
  return [...groups].sort((a, b) => {
    if (a.precedence !== b.precedence) {
      if (a.precedence === null) return 1;
      if (b.precedence === null) return -1;
      return a.precedence - b.precedence;
    }
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
}

export interface GroupClaims {
  groups: string[];
  /** Distinct role ARNs of the user's groups, in group order. */
  roles: string[];
  /** cognito:preferred_role, or null when no group has a role or the highest ones disagree. */
  preferredRole: string | null;
}

/**
 * cognito:groups, cognito:roles and cognito:preferred_role. The preferred role is the role of
 * the highest-precedence group that has one; groups of equal precedence do not outrank each
 * other, so if those with roles disagree there is no preferred role (CreateGroup's Precedence
 * documentation). The same values are the PreTokenGeneration event's groupConfiguration.
 */
export function groupClaims(groups: readonly TokenGroup[]): GroupClaims {
  const ordered = orderGroups(groups);
  const roles: string[] = [];
  for (const g of ordered) if (g.roleArn !== null && !roles.includes(g.roleArn)) roles.push(g.roleArn);
  const withRole = ordered.filter((g) => g.roleArn !== null);
  let preferredRole: string | null = null;
  const top = withRole[0];
  if (top !== undefined) {
    const tied = withRole.filter((g) => g.precedence === top.precedence);
    preferredRole = tied.every((g) => g.roleArn === top.roleArn) ? top.roleArn : null;
  }
  return { groups: ordered.map((g) => g.name), roles, preferredRole };
}

/**
 * A user's attributes as ID-token claims: every attribute the client may read (all when it
 * lists no ReadAttributes), `sub` excepted (it has its own claim) and developer-only `dev:`
 * attributes never. Values stay strings except the OIDC-typed ones: `email_verified` and
 * `phone_number_verified` are booleans, `updated_at` a number, `address` an object whose
 * `formatted` member is the stored string, `identities` the parsed JSON array.
 */
export function attributeClaims(
  attributes: Readonly<Record<string, string>>,
  readAttributes: readonly string[] | undefined,
): Claims {
  const out: Claims = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "sub" || name.startsWith("dev:")) continue;
    if (readAttributes !== undefined && !readAttributes.includes(name)) continue;
    out[name] = attributeValue(name, value);
  }
  return out;
}

function attributeValue(name: string, value: string): unknown {
  switch (name) {
    case "email_verified":
    case "phone_number_verified":
      return value === "true";
    case "updated_at": {
      const n = Number(value);
      return /^\d+$/.test(value) && Number.isSafeInteger(n) ? n : value;
    }
    case "address":
      return { formatted: value };
    case "identities":
      try {
        const parsed: unknown = JSON.parse(value);
        return Array.isArray(parsed) ? parsed : value;
      } catch {
        return value;
      }
    default:
      return value;
  }
}

export interface ClaimsInput {
  user: Pick<UserRecord, "username" | "sub" | "attributes">;
  groups: readonly TokenGroup[];
  clientId: string;
  issuer: string;
  /** Issue time, epoch ms. */
  now: number;
  /** When the user authenticated, epoch ms: the sign-in's time, kept on refresh. */
  authTime: number;
  /** One per sign-in, kept by its refreshes; revoking it revokes them all. */
  originJti: string;
  /** One per sign-in event (the issuance); see docs/signin-internals.md on refresh. */
  eventId: string;
  /** The client's EnableTokenRevocation: without it tokens carry no origin_jti. */
  revocationEnabled: boolean;
  validity: Pick<TokenValidity, "accessSeconds" | "idSeconds">;
  /** The client's ReadAttributes; undefined when it lists none (all readable). */
  readAttributes?: readonly string[] | undefined;
  /** Access-token scopes; default aws.cognito.signin.user.admin. */
  scopes?: readonly string[] | undefined;
  /** The remembered device the user signed in on. */
  deviceKey?: string | undefined;
}

export function buildClaims(random: Random, input: ClaimsInput): TokenClaims {
  const iat = Math.floor(input.now / 1000);
  const authTime = Math.floor(input.authTime / 1000);
  const g = groupClaims(input.groups);
  const origin = input.revocationEnabled ? { origin_jti: input.originJti } : {};
  const groups = g.groups.length > 0 ? { "cognito:groups": g.groups } : {};
  const id: Claims = {
    sub: input.user.sub,
    ...groups,
    ...(g.roles.length > 0 ? { "cognito:roles": g.roles } : {}),
    ...(g.preferredRole !== null ? { "cognito:preferred_role": g.preferredRole } : {}),
    ...attributeClaims(input.user.attributes, input.readAttributes),
    iss: input.issuer,
    "cognito:username": input.user.username,
    ...origin,
    aud: input.clientId,
    event_id: input.eventId,
    token_use: "id",
    auth_time: authTime,
    exp: iat + input.validity.idSeconds,
    iat,
    jti: random.uuid(),
  };
  const scopes = input.scopes ?? [ADMIN_SCOPE];
  const access: Claims = {
    sub: input.user.sub,
    ...groups,
    ...(input.deviceKey !== undefined ? { device_key: input.deviceKey } : {}),
    iss: input.issuer,
    client_id: input.clientId,
    ...origin,
    event_id: input.eventId,
    token_use: "access",
    ...(scopes.length > 0 ? { scope: scopes.join(" ") } : {}),
    auth_time: authTime,
    exp: iat + input.validity.accessSeconds,
    iat,
    jti: random.uuid(),
    username: input.user.username,
  };
  return { id, access };
}
