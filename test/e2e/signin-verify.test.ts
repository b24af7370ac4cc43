// Verifying Cognate's tokens as an app's back end does (docs/signin.md, "Verifying tokens"):
// aws-jwt-verify's JwtVerifier fetching the JWKS from Cognate served over HTTPS (its Node
// fetcher refuses http:), and its CognitoJwtVerifier with the AWS issuer form and cacheJwks.
// The AWS SDK v3 signs in over HTTPS with the test certificate as its trusted CA.
import { Agent, get } from "node:https";
import { dirname, join } from "node:path";
import {
  AdminConfirmSignUpCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetUserCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { CognitoJwtVerifier, JwtVerifier } from "aws-jwt-verify";
import { validateCognitoJwtFields } from "aws-jwt-verify/cognito-verifier";
import { SimpleFetcher } from "aws-jwt-verify/https";
import { SimpleJwksCache } from "aws-jwt-verify/jwk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JwksKey } from "../../src/domain/tokens/keys.js";
import { runCli, startChild } from "../helpers/child.js";
import { PASSWORD } from "../helpers/fixtures.js";
import { FAKE_CREDENTIALS, startServer, type TestServer } from "../helpers/server.js";
import { decodeJwt } from "../helpers/signin.js";
import { makeCert, type TestCert } from "../helpers/smtp.js";

/** GET a JSON document over HTTPS, trusting `ca`. */
function getJson(url: string, ca: Buffer): Promise<unknown> {
  return new Promise((resolve, reject) => {
    get(url, { ca }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => {
        body += d;
      });
      res.on("end", () => {
        try {
          resolve(JSON.parse(body));
        } catch (e) {
          reject(e);
        }
      });
    }).on("error", reject);
  });
}

/** A pool, a client with the password flow, a confirmed user, and that user's tokens. */
async function signedIn(sdk: CognitoIdentityProviderClient) {
  const pool = await sdk.send(new CreateUserPoolCommand({ PoolName: "verify" }));
  const poolId = pool.UserPool?.Id ?? "";
  const client = await sdk.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: "web",
      ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    }),
  );
  const clientId = client.UserPoolClient?.ClientId ?? "";
  await sdk.send(
    new SignUpCommand({
      ClientId: clientId,
      Username: "vera",
      Password: PASSWORD,
      UserAttributes: [{ Name: "email", Value: "vera@example.com" }],
    }),
  );
  await sdk.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: "vera" }));
  const r = await sdk.send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: "vera", PASSWORD },
    }),
  );
  return {
    poolId,
    clientId,
    id: r.AuthenticationResult?.IdToken ?? "",
    access: r.AuthenticationResult?.AccessToken ?? "",
  };
}

describe("HTTPS and aws-jwt-verify's JwtVerifier (issuer self)", () => {
  let cert: TestCert;
  let s: TestServer;
  let sdk: CognitoIdentityProviderClient;

  beforeAll(async () => {
    cert = makeCert();
    s = await startServer({ tls: { cert: cert.certFile, key: join(dirname(cert.certFile), "key.pem") } });
    sdk = new CognitoIdentityProviderClient({
      endpoint: s.url,
      region: "us-east-1",
      credentials: FAKE_CREDENTIALS,
      maxAttempts: 1,
      requestHandler: { httpsAgent: new Agent({ ca: cert.cert }) },
    });
  });
  afterAll(async () => {
    sdk?.destroy();
    await s?.close();
    cert?.dispose();
  });

  it("serves the API over HTTPS; the issuer is the https URL; JwtVerifier fetches the JWKS and accepts both tokens", async () => {
    expect(s.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const t = await signedIn(sdk);
    const issuer = `${s.url}/${t.poolId}`;
    expect(decodeJwt(t.access).payload.iss).toBe(issuer);
    expect((await sdk.send(new GetUserCommand({ AccessToken: t.access }))).Username).toBe("vera");

    // The discovery document names the JWKS a verifier fetches.
    const discovery = (await getJson(`${issuer}/.well-known/openid-configuration`, cert.cert)) as Record<
      string,
      unknown
    >;
    expect(discovery.issuer).toBe(issuer);
    expect(discovery.jwks_uri).toBe(`${issuer}/.well-known/jwks.json`);

    const jwksCache = new SimpleJwksCache({
      fetcher: new SimpleFetcher({ defaultRequestOptions: { ca: cert.cert } }),
    });
    const verifier = (tokenUse: "id" | "access") =>
      JwtVerifier.create(
        {
          issuer,
          audience: null,
          jwksUri: `${issuer}/.well-known/jwks.json`,
          customJwtCheck: ({ payload }) =>
            validateCognitoJwtFields(payload, { tokenUse, clientId: t.clientId }),
        },
        { jwksCache },
      );
    expect(await verifier("id").verify(t.id)).toMatchObject({
      token_use: "id",
      aud: t.clientId,
      "cognito:username": "vera",
      email: "vera@example.com",
      // A boolean, as Cognito's; false: the pool verifies no attribute on its own.
      email_verified: false,
    });
    expect(await verifier("access").verify(t.access)).toMatchObject({
      token_use: "access",
      client_id: t.clientId,
      username: "vera",
      scope: "aws.cognito.signin.user.admin",
    });
    await expect(verifier("access").verify(t.id)).rejects.toThrow(/token use/i);
    const [h, p] = t.access.split(".");
    await expect(verifier("access").verify(`${h}.${p}.${"A".repeat(342)}`)).rejects.toThrow(/signature/i);
  });

  it("cognate serve --tls-cert/--tls-key serves HTTPS; a key that does not fit is refused at start", async () => {
    const key = join(dirname(cert.certFile), "key.pem");
    const child = await startChild(["--db", ":memory:", "--tls-cert", cert.certFile, "--tls-key", key]);
    try {
      expect(child.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(await getJson(`${child.url}/`, cert.cert)).toMatchObject({ service: "cognate" });
    } finally {
      child.kill();
      await child.exited;
    }
    const wrong = await runCli([
      "serve",
      "--db",
      ":memory:",
      "--port",
      "0",
      "--tls-cert",
      cert.certFile,
      "--tls-key",
      cert.certFile,
    ]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/TLS certificate .* cannot be used/);
    // Two `cognate serve` processes start here: seconds when quiet, more on a loaded runner.
  }, 120_000);

  it("a client that does not trust the certificate cannot connect", async () => {
    const untrusting = new CognitoIdentityProviderClient({
      endpoint: s.url,
      region: "us-east-1",
      credentials: FAKE_CREDENTIALS,
      maxAttempts: 1,
    });
    await expect(untrusting.send(new GetUserCommand({ AccessToken: "abc" }))).rejects.toThrow(/certificate/i);
    untrusting.destroy();
  });
});

describe("aws-jwt-verify's CognitoJwtVerifier (issuer aws, cacheJwks)", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer({ issuer: "aws" });
  });
  afterAll(() => s?.close());

  it("accepts Cognate's ID and access tokens with the JWKS Cognate serves", async () => {
    const t = await signedIn(s.sdk);
    expect(decodeJwt(t.access).payload.iss).toBe(`https://cognito-idp.us-east-1.amazonaws.com/${t.poolId}`);
    const r = await fetch(`${s.url}/${t.poolId}/.well-known/jwks.json`);
    const jwks = (await r.json()) as { keys: JwksKey[] };
    const access = CognitoJwtVerifier.create({
      userPoolId: t.poolId,
      tokenUse: "access",
      clientId: t.clientId,
    });
    access.cacheJwks(jwks);
    const id = CognitoJwtVerifier.create({ userPoolId: t.poolId, tokenUse: "id", clientId: t.clientId });
    id.cacheJwks(jwks);
    expect(await access.verify(t.access)).toMatchObject({ username: "vera", client_id: t.clientId });
    expect(await id.verify(t.id)).toMatchObject({ "cognito:username": "vera", aud: t.clientId });
    // Another client's verifier refuses them.
    const other = CognitoJwtVerifier.create({
      userPoolId: t.poolId,
      tokenUse: "access",
      clientId: "someoneelse",
    });
    other.cacheJwks(jwks);
    await expect(other.verify(t.access)).rejects.toThrow(/client/i);
  });
});
