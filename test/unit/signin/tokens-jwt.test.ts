// RS256 tokens: keys, kid, JWKS, signing, our verifier, and aws-jwt-verify accepting them —
// JwtVerifier with an issuer and a JWKS served over HTTPS by a throwaway local server, and
// CognitoJwtVerifier (AWS issuer form) with cacheJwks (docs/signin-internals.md, "Tokens").
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { CognitoJwtVerifier, JwtVerifier } from "aws-jwt-verify";
import { validateCognitoJwtFields } from "aws-jwt-verify/cognito-verifier";
import { SimpleFetcher } from "aws-jwt-verify/https";
import { SimpleJwksCache } from "aws-jwt-verify/jwk";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cryptoRandom } from "../../../src/domain/ids.js";
import { deriveSealKey } from "../../../src/domain/seal.js";
import { buildClaims, type ClaimsInput, type TokenClaims } from "../../../src/domain/tokens/claims.js";
import {
  ACCESS_TOKEN_MESSAGES,
  signToken,
  verifyAccessToken,
  verifyIdToken,
} from "../../../src/domain/tokens/jwt.js";
import {
  generateSigningKey,
  type KeyRing,
  loadKeyRing,
  loadSigner,
  renderJwks,
  type Signer,
  type SigningKeyRecord,
  sealPrivateKey,
  unsealPrivateKey,
} from "../../../src/domain/tokens/keys.js";
import { issuerFor, jwksUri } from "../../../src/domain/tokens/validity.js";
import { asUsername } from "../../../src/domain/usernames.js";
import { makeCert, type TestCert } from "../../helpers/smtp.js";

const POOL = "us-west-2_AbCdEf123";
const CLIENT = "3n4b5urk1ft4fl3mg5e62d9ado";

let idKey: SigningKeyRecord;
let accessKey: SigningKeyRecord;
let idSigner: Signer;
let accessSigner: Signer;
let ring: KeyRing;
let cert: TestCert;
let server: Server;
let baseUrl: string;

function claimsFor(issuer: string, now = Date.now()): TokenClaims {
  const input: ClaimsInput = {
    user: {
      username: asUsername("alice"),
      sub: "0f0e0d0c-0000-4000-8000-000000000001",
      attributes: { email: "a@example.com", email_verified: "true" },
    },
    groups: [{ name: "admins", precedence: 1, roleArn: null }],
    clientId: CLIENT,
    issuer,
    now,
    authTime: now,
    originJti: cryptoRandom.uuid(),
    eventId: cryptoRandom.uuid(),
    revocationEnabled: true,
    validity: { accessSeconds: 3600, idSeconds: 3600 },
  };
  return buildClaims(cryptoRandom, input);
}

async function tokens(issuer: string, now = Date.now()): Promise<{ id: string; access: string }> {
  const c = claimsFor(issuer, now);
  return { id: await signToken(idSigner, c.id), access: await signToken(accessSigner, c.access) };
}

/** The token with one character of its payload changed (still valid base64url). */
function tamper(token: string): string {
  const [h, p, s] = token.split(".");
  const payload = JSON.parse(Buffer.from(p ?? "", "base64url").toString());
  payload.sub = "someone-else";
  return [h, Buffer.from(JSON.stringify(payload)).toString("base64url"), s].join(".");
}

beforeAll(async () => {
  [idKey, accessKey] = await Promise.all([generateSigningKey("id"), generateSigningKey("access")]);
  // Through the sealed form, as a store would keep them.
  const sealKey = deriveSealKey(Buffer.alloc(32, 1), "signing-key");
  const load = async (k: SigningKeyRecord) =>
    loadSigner({
      kid: k.kid,
      privatePkcs8: unsealPrivateKey(sealKey, k.kid, sealPrivateKey(sealKey, cryptoRandom, k)) ?? "",
    });
  idSigner = await load(idKey);
  accessSigner = await load(accessKey);
  ring = await loadKeyRing([idKey, accessKey]);
  cert = makeCert();
  const jwks = JSON.stringify(renderJwks([idKey, accessKey]));
  server = createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    if (req.url === `/${POOL}/.well-known/jwks.json`) {
      res.writeHead(200, { "content-type": "application/json" }).end(jwks);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  cert?.dispose();
});

describe("keys and JWKS", () => {
  it("kids look like Cognito's (base64 of 32 bytes) and differ between the two keys", () => {
    expect(idKey.kid).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(accessKey.kid).not.toBe(idKey.kid);
    expect(Buffer.from(idKey.publicJwk.n, "base64url")).toHaveLength(256);
  });

  it("renders Cognito's JWKS shape", () => {
    const jwks = renderJwks([idKey, accessKey]);
    expect(jwks.keys).toHaveLength(2);
    expect(Object.keys(jwks.keys[0] ?? {})).toEqual(["alg", "e", "kid", "kty", "n", "use"]);
    expect(jwks.keys[0]).toMatchObject({ alg: "RS256", e: "AQAB", kid: idKey.kid, kty: "RSA", use: "sig" });
  });

  it("a sealed private key opens only under its secret and its kid", () => {
    const k = deriveSealKey(Buffer.alloc(32, 1), "signing-key");
    const sealed = sealPrivateKey(k, cryptoRandom, idKey);
    expect(sealed).not.toContain("PRIVATE");
    expect(unsealPrivateKey(k, idKey.kid, sealed)).toBe(idKey.privatePkcs8);
    expect(unsealPrivateKey(k, accessKey.kid, sealed)).toBeNull();
    expect(unsealPrivateKey(deriveSealKey(Buffer.alloc(32, 2), "signing-key"), idKey.kid, sealed)).toBeNull();
  });
});

describe("signToken", () => {
  it("writes the header {kid, alg} exactly, and the claims", async () => {
    const t = await tokens("https://example.test/p");
    const [h, p] = t.access.split(".");
    expect(Buffer.from(h ?? "", "base64url").toString()).toBe(
      JSON.stringify({ kid: accessKey.kid, alg: "RS256" }),
    );
    expect(JSON.parse(Buffer.from(p ?? "", "base64url").toString())).toMatchObject({
      token_use: "access",
      client_id: CLIENT,
    });
    expect(t.id).toMatch(/^[A-Za-z0-9-_=.]+$/);
  });
});

describe("verifyAccessToken / verifyIdToken", () => {
  const issuer = issuerFor({ kind: "self", publicUrl: "http://localhost:9229" }, POOL);
  const opts = (now = Date.now()) => ({ keys: ring, issuer, now });

  it("accepts genuine tokens and returns their claims", async () => {
    const t = await tokens(issuer);
    const a = await verifyAccessToken(t.access, { ...opts(), clientId: CLIENT });
    expect(a.kind === "ok" && a.claims.username).toBe("alice");
    const i = await verifyIdToken(t.id, { ...opts(), clientId: CLIENT });
    expect(i.kind === "ok" && i.claims["cognito:username"]).toBe("alice");
  });

  it("says expired only for a genuine token past its exp", async () => {
    const now = Date.now();
    const t = await tokens(issuer, now);
    const exp = Math.floor(now / 1000) + 3600;
    expect((await verifyAccessToken(t.access, opts(exp * 1000 - 1))).kind).toBe("ok");
    expect((await verifyAccessToken(t.access, opts(exp * 1000))).kind).toBe("expired");
    expect(await verifyAccessToken(tamper(t.access), opts(exp * 1000))).toEqual({
      kind: "invalid",
      reason: "signature",
    });
  });

  it("refuses forged, foreign and misused tokens as invalid", async () => {
    const t = await tokens(issuer);
    const check = async (token: string, o: Parameters<typeof verifyAccessToken>[1] = opts()) =>
      verifyAccessToken(token, o);
    expect(await check(tamper(t.access))).toEqual({ kind: "invalid", reason: "signature" });
    expect(await check(t.id)).toEqual({ kind: "invalid", reason: "token-use" });
    expect(await check(t.access, { ...opts(), clientId: "other" })).toEqual({
      kind: "invalid",
      reason: "client",
    });
    expect(await check(t.access, { ...opts(), issuer: issuerFor({ kind: "aws" }, POOL) })).toEqual({
      kind: "invalid",
      reason: "issuer",
    });
    const otherPool = await loadKeyRing([await generateSigningKey("access")]);
    expect(await check(t.access, { ...opts(), keys: otherPool })).toEqual({
      kind: "invalid",
      reason: "unknown-kid",
    });
    for (const junk of ["", "abc", "a.b.c", "a.b.c.d.e", `${t.access}x`]) {
      expect((await check(junk)).kind, junk).toBe("invalid");
    }
    // alg: none and HS256 keyed with the public modulus: refused before any key is used.
    const payload = t.access.split(".")[1];
    const none = `${Buffer.from(JSON.stringify({ kid: accessKey.kid, alg: "none" })).toString("base64url")}.${payload}.`;
    expect(await check(none)).toEqual({ kind: "invalid", reason: "algorithm" });
    const hs = await new SignJWT({ token_use: "access" })
      .setProtectedHeader({ kid: accessKey.kid, alg: "HS256" })
      .sign(Buffer.from(accessKey.publicJwk.n));
    expect(await check(hs)).toEqual({ kind: "invalid", reason: "algorithm" });
    expect((await verifyIdToken(t.id, { ...opts(), clientId: "other" })).kind).toBe("invalid");
    expect(ACCESS_TOKEN_MESSAGES.invalid).toBe("Invalid Access Token");
  });
});

describe("aws-jwt-verify", () => {
  it("JwtVerifier (issuer + jwksUri over HTTPS) accepts our ID and access tokens", async () => {
    const issuer = issuerFor({ kind: "self", publicUrl: baseUrl }, POOL);
    const jwksCache = new SimpleJwksCache({
      fetcher: new SimpleFetcher({ defaultRequestOptions: { ca: cert.cert } }),
    });
    const verifier = (tokenUse: "id" | "access") =>
      JwtVerifier.create(
        {
          issuer,
          audience: null,
          jwksUri: jwksUri(issuer),
          customJwtCheck: ({ payload }) => validateCognitoJwtFields(payload, { tokenUse, clientId: CLIENT }),
        },
        { jwksCache },
      );
    const t = await tokens(issuer);
    expect(await verifier("id").verify(t.id)).toMatchObject({
      token_use: "id",
      aud: CLIENT,
      email_verified: true,
    });
    expect(await verifier("access").verify(t.access)).toMatchObject({
      token_use: "access",
      client_id: CLIENT,
    });
    await expect(verifier("access").verify(tamper(t.access))).rejects.toThrow(/signature/i);
    await expect(verifier("access").verify(t.id)).rejects.toThrow(/token use/i);
    const old = await tokens(issuer, Date.now() - 2 * 3600_000);
    await expect(verifier("access").verify(old.access)).rejects.toThrow(/expired/i);
  });

  it("its default fetcher refuses a JWKS over plain http (why Cognate offers HTTPS)", async () => {
    const issuer = "http://127.0.0.1:9/p";
    const v = JwtVerifier.create({ issuer, audience: null, jwksUri: jwksUri(issuer) });
    const t = await tokens(issuer);
    await expect(v.verify(t.access)).rejects.toThrow(/http:/);
  });

  it("CognitoJwtVerifier (AWS issuer form) accepts them with cacheJwks", async () => {
    const issuer = issuerFor({ kind: "aws" }, POOL);
    const jwks = renderJwks([idKey, accessKey]);
    const access = CognitoJwtVerifier.create({ userPoolId: POOL, tokenUse: "access", clientId: CLIENT });
    access.cacheJwks(jwks);
    const id = CognitoJwtVerifier.create({
      userPoolId: POOL,
      tokenUse: "id",
      clientId: CLIENT,
      groups: "admins",
    });
    id.cacheJwks(jwks);
    const t = await tokens(issuer);
    expect(await access.verify(t.access)).toMatchObject({ username: "alice", "cognito:groups": ["admins"] });
    expect(await id.verify(t.id)).toMatchObject({ "cognito:username": "alice" });
    await expect(access.verify(tamper(t.access))).rejects.toThrow(/signature/i);
    const selfIssued = await tokens(issuerFor({ kind: "self", publicUrl: baseUrl }, POOL));
    await expect(access.verify(selfIssued.access)).rejects.toThrow(/issuer/i);
  });
});
