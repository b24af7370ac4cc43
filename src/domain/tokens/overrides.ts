// What a PreTokenGeneration trigger's answer may change in the tokens
// (docs/signin-internals.md, "PreTokenGeneration").
// - V1 (`claimsOverrideDetails`): adds, overrides or suppresses ID-token claims (string values);
//   groupOverrideDetails replaces cognito:groups in both tokens.
// - V2/V3 (`claimsAndScopeOverrideDetails`): the same per token, JSON values, plus
//   scopesToAdd/scopesToSuppress on the access token.
// In both, suppressing wins over adding. Claims Cognito documents as unmodifiable are left as
// they are: an attempt to change them is ignored, not an error (Cognito's behaviour there is
// not documented; ignoring keeps the token's identity intact without failing a sign-in).
// A malformed answer is an error the caller reports as InvalidLambdaResponseException.
import type { Claims, TokenClaims } from "./claims.js";

/** The developer guide's list of claims a trigger cannot change, for both tokens. */
const PROTECTED = new Set([
  "acr",
  "amr",
  "aud",
  "at_hash",
  "auth_time",
  "azp",
  "cognito:username",
  "exp",
  "iat",
  "identities",
  "iss",
  "jti",
  "nbf",
  "nonce",
  "origin_jti",
  "sub",
  "token_use",
  // Changed only through groupOverrideDetails.
  "cognito:groups",
  "cognito:roles",
  "cognito:preferred_role",
]);
/** What else identifies an access token's client, user, device and permissions. */
const PROTECTED_ACCESS = new Set(["client_id", "scope", "username", "device_key", "event_id", "version"]);
/** ID-token claims whose values may not be objects or arrays (V2). */
const SIMPLE_ONLY = new Set(["email_verified", "phone_number_verified", "updated_at", "address"]);

const changeable = (name: string, token: "id" | "access") =>
  !PROTECTED.has(name) && !name.startsWith("dev:") && !(token === "access" && PROTECTED_ACCESS.has(name));

export type OverrideResult = { kind: "ok"; claims: TokenClaims } | { kind: "invalid"; reason: string };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const absent = (v: unknown) => v === undefined || v === null;

function stringList(v: unknown, what: string): string[] | string {
  if (absent(v)) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) return `${what} must be a list of strings`;
  return v;
}

function claimEdits(
  target: Claims,
  token: "id" | "access",
  details: unknown,
  what: string,
  simpleValues: boolean,
): string | null {
  if (absent(details)) return null;
  if (!isObj(details)) return `${what} must be an object`;
  const add = details.claimsToAddOrOverride;
  const suppress = stringList(details.claimsToSuppress, `${what}.claimsToSuppress`);
  if (typeof suppress === "string") return suppress;
  if (!absent(add)) {
    if (!isObj(add)) return `${what}.claimsToAddOrOverride must be a map`;
    for (const [name, value] of Object.entries(add)) {
      const at = `${what}.claimsToAddOrOverride.${name}`;
      if (absent(value)) return `${at} has no value`;
      if (simpleValues && typeof value !== "string") return `${at} must be a string`;
      if (token === "id" && SIMPLE_ONLY.has(name) && typeof value === "object")
        return `${at} cannot be an object or a list`;
      if (changeable(name, token) && !suppress.includes(name)) target[name] = value;
    }
  }
  for (const name of suppress) if (changeable(name, token)) delete target[name];
  return null;
}

function groupEdits(claims: TokenClaims, details: unknown): string | null {
  if (absent(details)) return null;
  if (!isObj(details)) return "groupOverrideDetails must be an object";
  const set = (c: Claims, name: string, list: string[]) => {
    if (list.length > 0) c[name] = list;
    else delete c[name];
  };
  if (!absent(details.groupsToOverride)) {
    const groups = stringList(details.groupsToOverride, "groupOverrideDetails.groupsToOverride");
    if (typeof groups === "string") return groups;
    set(claims.id, "cognito:groups", groups);
    set(claims.access, "cognito:groups", groups);
  }
  if (!absent(details.iamRolesToOverride)) {
    const roles = stringList(details.iamRolesToOverride, "groupOverrideDetails.iamRolesToOverride");
    if (typeof roles === "string") return roles;
    set(claims.id, "cognito:roles", roles);
  }
  if (details.preferredRole !== undefined) {
    const p = details.preferredRole;
    if (p !== null && typeof p !== "string") return "groupOverrideDetails.preferredRole must be a string";
    if (typeof p === "string" && p !== "") claims.id["cognito:preferred_role"] = p;
    else delete claims.id["cognito:preferred_role"];
  }
  return null;
}

const copy = (c: TokenClaims): TokenClaims => ({
  id: structuredClone(c.id),
  access: structuredClone(c.access),
});

/** Applies a V1 trigger's `response` (the whole `event.response` object it returned). */
export function applyPreTokenGenerationV1(claims: TokenClaims, response: unknown): OverrideResult {
  const out = copy(claims);
  if (absent(response)) return { kind: "ok", claims: out };
  if (!isObj(response)) return { kind: "invalid", reason: "response must be an object" };
  const details = response.claimsOverrideDetails;
  if (absent(details)) return { kind: "ok", claims: out };
  if (!isObj(details)) return { kind: "invalid", reason: "claimsOverrideDetails must be an object" };
  const error =
    claimEdits(out.id, "id", details, "claimsOverrideDetails", true) ??
    groupEdits(out, details.groupOverrideDetails);
  return error === null ? { kind: "ok", claims: out } : { kind: "invalid", reason: error };
}

/** Applies a V2 or V3 trigger's `response`. */
export function applyPreTokenGenerationV2(claims: TokenClaims, response: unknown): OverrideResult {
  const out = copy(claims);
  if (absent(response)) return { kind: "ok", claims: out };
  if (!isObj(response)) return { kind: "invalid", reason: "response must be an object" };
  const details = response.claimsAndScopeOverrideDetails;
  if (absent(details)) return { kind: "ok", claims: out };
  if (!isObj(details)) return { kind: "invalid", reason: "claimsAndScopeOverrideDetails must be an object" };
  const access = details.accessTokenGeneration;
  const error =
    claimEdits(out.id, "id", details.idTokenGeneration, "idTokenGeneration", false) ??
    claimEdits(out.access, "access", access, "accessTokenGeneration", false) ??
    scopeEdits(out.access, access) ??
    groupEdits(out, details.groupOverrideDetails);
  return error === null ? { kind: "ok", claims: out } : { kind: "invalid", reason: error };
}

function scopeEdits(access: Claims, details: unknown): string | null {
  if (!isObj(details)) return null;
  const add = stringList(details.scopesToAdd, "accessTokenGeneration.scopesToAdd");
  if (typeof add === "string") return add;
  const suppress = stringList(details.scopesToSuppress, "accessTokenGeneration.scopesToSuppress");
  if (typeof suppress === "string") return suppress;
  if (add.length === 0 && suppress.length === 0) return null;
  const current = typeof access.scope === "string" ? access.scope.split(" ").filter((s) => s !== "") : [];
  const scopes: string[] = [];
  for (const s of [...current, ...add.flatMap((x) => x.split(" "))]) {
    if (s !== "" && !scopes.includes(s) && !suppress.includes(s)) scopes.push(s);
  }
  if (scopes.length > 0) access.scope = scopes.join(" ");
  else delete access.scope;
  return null;
}
