// What a PreTokenGeneration trigger may change in the tokens, V1 and V2
// (docs/signin-internals.md, "PreTokenGeneration").
import { describe, expect, it } from "vitest";
import { cryptoRandom } from "../../../src/domain/ids.js";
import { ADMIN_SCOPE, buildClaims, type ClaimsInput } from "../../../src/domain/tokens/claims.js";
import {
  applyPreTokenGenerationV1,
  applyPreTokenGenerationV2,
} from "../../../src/domain/tokens/overrides.js";
import { issuerFor } from "../../../src/domain/tokens/validity.js";
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

describe("PreTokenGeneration V1", () => {
  const base = buildClaims(cryptoRandom, { ...input, groups: [{ name: "g1", precedence: 1, roleArn: "R" }] });

  it("adds and overrides ID-token claims only, and suppression wins", () => {
    const r = applyPreTokenGenerationV1(base, {
      claimsOverrideDetails: {
        claimsToAddOrOverride: { tenant: "t1", email: "other@example.com", both: "x" },
        claimsToSuppress: ["phone_number", "both"],
      },
    });
    if (r.kind !== "ok") throw new Error(r.reason);
    expect(r.claims.id.tenant).toBe("t1");
    expect(r.claims.id.email).toBe("other@example.com");
    expect(r.claims.id.phone_number).toBeUndefined();
    expect(r.claims.id.both).toBeUndefined();
    expect(r.claims.access.tenant).toBeUndefined();
    expect(base.id.tenant).toBeUndefined(); // the input is not changed
  });

  it("leaves protected claims as they are", () => {
    const r = applyPreTokenGenerationV1(base, {
      claimsOverrideDetails: {
        claimsToAddOrOverride: {
          sub: "x",
          iss: "x",
          aud: "x",
          token_use: "access",
          "cognito:username": "x",
          "dev:a": "x",
        },
        claimsToSuppress: ["exp", "iat", "jti", "origin_jti", "auth_time", "cognito:groups"],
      },
    });
    if (r.kind !== "ok") throw new Error(r.reason);
    expect(r.claims).toEqual(base);
  });

  it("replaces groups in both tokens, roles and preferred role in the ID token", () => {
    const r = applyPreTokenGenerationV1(base, {
      claimsOverrideDetails: {
        groupOverrideDetails: { groupsToOverride: ["x", "y"], iamRolesToOverride: [], preferredRole: "P" },
      },
    });
    if (r.kind !== "ok") throw new Error(r.reason);
    expect(r.claims.id["cognito:groups"]).toEqual(["x", "y"]);
    expect(r.claims.access["cognito:groups"]).toEqual(["x", "y"]);
    expect(r.claims.id["cognito:roles"]).toBeUndefined();
    expect(r.claims.id["cognito:preferred_role"]).toBe("P");
    const none = applyPreTokenGenerationV1(base, {
      claimsOverrideDetails: { groupOverrideDetails: { groupsToOverride: [] } },
    });
    expect(none.kind === "ok" && none.claims.access["cognito:groups"]).toBeUndefined();
  });

  it("accepts empty answers and refuses malformed ones", () => {
    for (const ok of [undefined, null, {}, { claimsOverrideDetails: null }, { claimsOverrideDetails: {} }]) {
      const r = applyPreTokenGenerationV1(base, ok);
      expect(r.kind === "ok" && r.claims).toEqual(base);
    }
    for (const bad of [
      "x",
      { claimsOverrideDetails: "x" },
      { claimsOverrideDetails: { claimsToAddOrOverride: { n: 1 } } },
      { claimsOverrideDetails: { claimsToAddOrOverride: ["a"] } },
      { claimsOverrideDetails: { claimsToSuppress: "email" } },
      { claimsOverrideDetails: { groupOverrideDetails: { groupsToOverride: [1] } } },
      { claimsOverrideDetails: { groupOverrideDetails: { preferredRole: 5 } } },
    ]) {
      expect(applyPreTokenGenerationV1(base, bad).kind, JSON.stringify(bad)).toBe("invalid");
    }
  });
});

describe("PreTokenGeneration V2", () => {
  const base = buildClaims(cryptoRandom, input);

  it("edits each token separately, with JSON values, and the access token's scopes", () => {
    const r = applyPreTokenGenerationV2(base, {
      claimsAndScopeOverrideDetails: {
        idTokenGeneration: {
          claimsToAddOrOverride: { roles: ["a", "b"], meta: { n: 1 } },
          claimsToSuppress: ["email"],
        },
        accessTokenGeneration: {
          claimsToAddOrOverride: { tenant: 7, flag: true },
          scopesToAdd: ["orders/read", "orders/write"],
          scopesToSuppress: ["orders/write"],
        },
      },
    });
    if (r.kind !== "ok") throw new Error(r.reason);
    expect(r.claims.id.roles).toEqual(["a", "b"]);
    expect(r.claims.id.meta).toEqual({ n: 1 });
    expect(r.claims.id.email).toBeUndefined();
    expect(r.claims.id.tenant).toBeUndefined();
    expect(r.claims.access.tenant).toBe(7);
    expect(r.claims.access.flag).toBe(true);
    expect(r.claims.access.scope).toBe(`${ADMIN_SCOPE} orders/read`);
  });

  it("protects the access token's identity claims and can suppress every scope", () => {
    const r = applyPreTokenGenerationV2(base, {
      claimsAndScopeOverrideDetails: {
        accessTokenGeneration: {
          claimsToAddOrOverride: { client_id: "x", username: "x", scope: "x", sub: "x" },
          claimsToSuppress: ["client_id", "username"],
          scopesToSuppress: [ADMIN_SCOPE],
        },
      },
    });
    if (r.kind !== "ok") throw new Error(r.reason);
    const { scope: _, ...rest } = base.access;
    expect(r.claims.access).toEqual(rest);
  });

  it("refuses objects in the ID token's typed claims", () => {
    for (const name of ["email_verified", "phone_number_verified", "updated_at", "address"]) {
      const r = applyPreTokenGenerationV2(base, {
        claimsAndScopeOverrideDetails: { idTokenGeneration: { claimsToAddOrOverride: { [name]: { a: 1 } } } },
      });
      expect(r.kind, name).toBe("invalid");
    }
    const ok = applyPreTokenGenerationV2(base, {
      claimsAndScopeOverrideDetails: {
        idTokenGeneration: { claimsToAddOrOverride: { email_verified: false } },
      },
    });
    expect(ok.kind === "ok" && ok.claims.id.email_verified).toBe(false);
    expect(
      applyPreTokenGenerationV2(base, {
        claimsAndScopeOverrideDetails: { accessTokenGeneration: { scopesToAdd: "x" } },
      }).kind,
    ).toBe("invalid");
  });

  it("treats a null claimsAndScopeOverrideDetails (seen in real events) as no change", () => {
    const r = applyPreTokenGenerationV2(base, { claimsAndScopeOverrideDetails: null });
    expect(r.kind === "ok" && r.claims).toEqual(base);
  });
});
