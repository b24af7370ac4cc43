// Token claims, lifetimes, the issuer and refresh tokens
// (docs/signin-internals.md, "Tokens").
import { describe, expect, it } from "vitest";
import { cryptoRandom } from "../../../src/domain/ids.js";
import { deriveSealKey } from "../../../src/domain/seal.js";
import {
  ADMIN_SCOPE,
  attributeClaims,
  buildClaims,
  type ClaimsInput,
  groupClaims,
  type TokenGroup,
} from "../../../src/domain/tokens/claims.js";
import {
  issueRefreshToken,
  openRefreshToken,
  type RefreshTokenState,
} from "../../../src/domain/tokens/refresh.js";
import { issuerFor, jwksUri, tokenValidity } from "../../../src/domain/tokens/validity.js";
import { asUsername } from "../../../src/domain/usernames.js";

const POOL = "eu-central-1_AbCdEf123";
const CLIENT = "3n4b5urk1ft4fl3mg5e62d9ado";
const NOW = Date.UTC(2026, 2, 1, 10, 0, 0, 250);
const AUTH = NOW - 3_600_000;

const input: ClaimsInput = {
  user: {
    username: asUsername("d0b2ec76-0000-4000-8000-000000000001"),
    sub: "d0b2ec76-0000-4000-8000-000000000001",
    attributes: {
      email: "jane@example.com",
      email_verified: "true",
      phone_number: "+14155550100",
      phone_number_verified: "false",
      "custom:tier": "gold",
      "dev:internal": "x",
      updated_at: "1700000000",
      address: "1 Main St",
    },
  },
  groups: [],
  clientId: CLIENT,
  issuer: issuerFor({ kind: "aws" }, POOL),
  now: NOW,
  authTime: AUTH,
  originJti: "11111111-1111-4111-8111-111111111111",
  eventId: "22222222-2222-4222-8222-222222222222",
  revocationEnabled: true,
  validity: { accessSeconds: 3600, idSeconds: 1800 },
};

describe("buildClaims", () => {
  const { id, access } = buildClaims(cryptoRandom, input);
  const iat = Math.floor(NOW / 1000);

  it("gives the ID token Cognito's claims with typed attribute values", () => {
    expect(id).toEqual({
      sub: input.user.sub,
      email: "jane@example.com",
      email_verified: true,
      phone_number: "+14155550100",
      phone_number_verified: false,
      "custom:tier": "gold",
      updated_at: 1700000000,
      address: { formatted: "1 Main St" },
      iss: "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_AbCdEf123",
      "cognito:username": input.user.username,
      origin_jti: input.originJti,
      aud: CLIENT,
      event_id: input.eventId,
      token_use: "id",
      auth_time: Math.floor(AUTH / 1000),
      exp: iat + 1800,
      iat,
      jti: id.jti,
    });
    expect(id.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("gives the access token client_id, scope and username, and no aud or attributes", () => {
    expect(access).toEqual({
      sub: input.user.sub,
      iss: id.iss,
      client_id: CLIENT,
      origin_jti: input.originJti,
      event_id: input.eventId,
      token_use: "access",
      scope: ADMIN_SCOPE,
      auth_time: Math.floor(AUTH / 1000),
      exp: iat + 3600,
      iat,
      jti: access.jti,
      username: input.user.username,
    });
    expect(access.jti).not.toBe(id.jti);
  });

  it("omits origin_jti when the client has token revocation off; adds device_key and scopes when given", () => {
    const c = buildClaims(cryptoRandom, {
      ...input,
      revocationEnabled: false,
      deviceKey: "eu-central-1_6a1c9f1b-0d1e-4b8a-9d3c-1f2e3d4c5b6a",
      scopes: ["openid", "email"],
    });
    expect(c.id.origin_jti).toBeUndefined();
    expect(c.access.origin_jti).toBeUndefined();
    expect(c.access.device_key).toBe("eu-central-1_6a1c9f1b-0d1e-4b8a-9d3c-1f2e3d4c5b6a");
    expect(c.id.device_key).toBeUndefined();
    expect(c.access.scope).toBe("openid email");
  });

  it("limits attributes to the client's ReadAttributes", () => {
    const c = buildClaims(cryptoRandom, { ...input, readAttributes: ["email", "custom:tier"] });
    expect(
      Object.keys(c.id)
        .filter((k) => !["sub", "iss", "aud", "exp", "iat", "jti"].includes(k))
        .sort(),
    ).toEqual(
      ["auth_time", "cognito:username", "custom:tier", "email", "event_id", "origin_jti", "token_use"].sort(),
    );
  });

  it("puts groups in both tokens, roles and the preferred role in the ID token", () => {
    const groups: TokenGroup[] = [
      { name: "b", precedence: 2, roleArn: "arn:aws:iam::1:role/B" },
      { name: "a", precedence: 1, roleArn: "arn:aws:iam::1:role/A" },
      { name: "z", precedence: null, roleArn: null },
    ];
    const c = buildClaims(cryptoRandom, { ...input, groups });
    expect(c.id["cognito:groups"]).toEqual(["a", "b", "z"]);
    expect(c.access["cognito:groups"]).toEqual(["a", "b", "z"]);
    expect(c.id["cognito:roles"]).toEqual(["arn:aws:iam::1:role/A", "arn:aws:iam::1:role/B"]);
    expect(c.id["cognito:preferred_role"]).toBe("arn:aws:iam::1:role/A");
    expect(c.access["cognito:roles"]).toBeUndefined();
  });
});

describe("groupClaims", () => {
  const g = (name: string, precedence: number | null, roleArn: string | null): TokenGroup => ({
    name,
    precedence,
    roleArn,
  });

  it("orders by precedence, null last, ties by name", () => {
    expect(
      groupClaims([g("c", null, null), g("b", 5, null), g("a", 5, null), g("d", 0, null)]).groups,
    ).toEqual(["d", "a", "b", "c"]);
  });

  it("sets no preferred role when the highest groups with roles disagree, one when they agree", () => {
    expect(groupClaims([g("a", 1, "R1"), g("b", 1, "R2"), g("c", 2, "R3")]).preferredRole).toBeNull();
    expect(groupClaims([g("a", 1, "R1"), g("b", 1, "R1"), g("c", 0, null)]).preferredRole).toBe("R1");
    expect(groupClaims([g("a", null, "R1"), g("b", 3, "R2")]).preferredRole).toBe("R2");
    expect(groupClaims([g("a", null, "R1"), g("b", null, "R2")]).preferredRole).toBeNull();
    expect(groupClaims([g("a", 1, null)])).toEqual({ groups: ["a"], roles: [], preferredRole: null });
    expect(groupClaims([])).toEqual({ groups: [], roles: [], preferredRole: null });
  });
});

describe("attributeClaims", () => {
  it("parses identities and keeps odd values as strings", () => {
    const c = attributeClaims(
      { identities: '[{"providerName":"Google","userId":"1"}]', updated_at: "soon", email_verified: "TRUE" },
      undefined,
    );
    expect(c).toEqual({
      identities: [{ providerName: "Google", userId: "1" }],
      updated_at: "soon",
      email_verified: false,
    });
    expect(attributeClaims({ identities: "{oops" }, undefined)).toEqual({ identities: "{oops" });
  });
});

describe("tokenValidity and issuer", () => {
  it("reads values in their units, with Cognito's defaults", () => {
    expect(tokenValidity({})).toEqual({ accessSeconds: 3600, idSeconds: 3600, refreshSeconds: 30 * 86400 });
    expect(
      tokenValidity({
        AccessTokenValidity: 60,
        IdTokenValidity: 5,
        RefreshTokenValidity: 30,
        TokenValidityUnits: { AccessToken: "minutes", IdToken: "minutes", RefreshToken: "days" },
      }),
    ).toEqual({ accessSeconds: 3600, idSeconds: 300, refreshSeconds: 30 * 86400 });
    expect(
      tokenValidity({
        AccessTokenValidity: 2,
        IdTokenValidity: 3600,
        TokenValidityUnits: { IdToken: "seconds" },
      }),
    ).toEqual({
      accessSeconds: 7200,
      idSeconds: 3600,
      refreshSeconds: 30 * 86400,
    });
    expect(tokenValidity({ RefreshTokenValidity: 0 }).refreshSeconds).toBe(30 * 86400);
    expect(
      tokenValidity({ RefreshTokenValidity: 120, TokenValidityUnits: { RefreshToken: "minutes" } })
        .refreshSeconds,
    ).toBe(7200);
  });

  it("builds the self and AWS issuers and the JWKS URL", () => {
    expect(issuerFor({ kind: "self", publicUrl: "http://localhost:9229/" }, POOL)).toBe(
      `http://localhost:9229/${POOL}`,
    );
    expect(issuerFor({ kind: "aws" }, "us-gov-west-1_Abc")).toBe(
      "https://cognito-idp.us-gov-west-1.amazonaws.com/us-gov-west-1_Abc",
    );
    expect(jwksUri("https://h/p")).toBe("https://h/p/.well-known/jwks.json");
  });
});

describe("refresh tokens", () => {
  const key = deriveSealKey(Buffer.alloc(32, 3), "refresh-token");
  const state: RefreshTokenState = {
    tokenId: "r-1",
    poolId: POOL,
    clientId: CLIENT,
    username: "alice",
    originJti: input.originJti,
    authTime: AUTH,
    eventId: input.eventId,
    issuedAt: NOW,
    expiresAt: NOW + 30 * 86_400_000,
  };
  const expected = { poolId: POOL, clientId: CLIENT };

  it("looks like Cognito's (five base64url segments, the JWE header) and opens to its state", () => {
    const t = issueRefreshToken(key, cryptoRandom, state);
    expect(t).toMatch(/^[A-Za-z0-9-_=.]+$/);
    const parts = t.split(".");
    expect(parts).toHaveLength(5);
    expect(JSON.parse(Buffer.from(parts[0] ?? "", "base64url").toString())).toEqual({
      cty: "JWT",
      enc: "A256GCM",
      alg: "RSA-OAEP",
    });
    expect(t).not.toContain(Buffer.from("alice").toString("base64url"));
    expect(openRefreshToken(key, t, expected, NOW + 1000)).toEqual({ kind: "ok", state });
    const withDevice = { ...state, deviceKey: "eu-central-1_6a1c9f1b-0d1e-4b8a-9d3c-1f2e3d4c5b6a" };
    expect(openRefreshToken(key, issueRefreshToken(key, cryptoRandom, withDevice), expected, NOW)).toEqual({
      kind: "ok",
      state: withDevice,
    });
  });

  it("refuses altered, foreign and expired tokens", () => {
    const t = issueRefreshToken(key, cryptoRandom, state);
    const parts = t.split(".");
    const body = Buffer.from(parts[3] ?? "", "base64url");
    body[0] = (body[0] ?? 0) ^ 1;
    const altered = [parts[0], parts[1], parts[2], body.toString("base64url"), parts[4]].join(".");
    expect(openRefreshToken(key, altered, expected, NOW).kind).toBe("invalid");
    expect(openRefreshToken(key, t.replace(/^[^.]+/, "eyJhbGciOiJub25lIn0"), expected, NOW).kind).toBe(
      "invalid",
    );
    expect(openRefreshToken(key, `${t}.x`, expected, NOW).kind).toBe("invalid");
    expect(openRefreshToken(key, "not-a-token", expected, NOW).kind).toBe("invalid");
    expect(openRefreshToken(deriveSealKey(Buffer.alloc(32, 4), "refresh-token"), t, expected, NOW).kind).toBe(
      "invalid",
    );
    expect(openRefreshToken(key, t, { poolId: "eu-central-1_Other", clientId: CLIENT }, NOW).kind).toBe(
      "foreign-pool",
    );
    expect(openRefreshToken(key, t, { poolId: POOL, clientId: "other" }, NOW).kind).toBe("foreign-client");
    expect(openRefreshToken(key, t, expected, state.expiresAt)).toEqual({ kind: "expired", state });
  });
});
