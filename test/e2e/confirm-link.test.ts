// GET /confirmUser — the page a CONFIRM_WITH_LINK email points at — is ConfirmSignUp by
// another door, and gets the API's checks: the per-IP limit (shared with the API), the app
// client's secret requirement, and only for pools that confirm by link. A browser follows the
// link; plain fetch stands in for it.
import {
  AdminGetUserCommand,
  ConfirmSignUpCommand,
  type CreateUserPoolCommandInput,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeSecretHash } from "../../src/domain/secretHash.js";
import { ManualClock } from "../../src/ports/clock.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { rawCall, startServer, type TestServer } from "../helpers/server.js";

const LINK_MODE: Partial<CreateUserPoolCommandInput> = {
  VerificationMessageTemplate: {
    DefaultEmailOption: "CONFIRM_WITH_LINK",
    EmailMessageByLink: "Please {##verify##}",
  },
};

async function page(url: string): Promise<{ status: number; text: string }> {
  const r = await fetch(url);
  return { status: r.status, text: await r.text() };
}

function linkIn(body: string | undefined): string {
  const href = /href="([^"]+)"/.exec(body ?? "")?.[1];
  if (!href) throw new Error(`no link in ${JSON.stringify(body)}`);
  return href.replaceAll("&#38;", "&");
}

describe("GET /confirmUser", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer({ configCacheSeconds: 0 });
  });
  afterAll(() => s?.close());

  async function signUp(clientId: string, username: string, secret?: string): Promise<void> {
    await s.sdk.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: username,
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: `${username}@example.com` }],
        ...(secret ? { SecretHash: computeSecretHash(secret, username, clientId) } : {}),
      }),
    );
  }
  const status = async (poolId: string, username: string) =>
    (await s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username }))).UserStatus;

  it("confirms through a link-mode pool's link (the page works at all)", async () => {
    const { poolId, clientId } = await makePool(s.sdk, LINK_MODE);
    await signUp(clientId, "linda");
    const link = linkIn((await s.inbox.latest({ username: "linda", userPoolId: poolId }))?.body);
    const r = await page(link);
    expect(r.status).toBe(200);
    expect(r.text).toContain("Registration confirmed");
    expect(await status(poolId, "linda")).toBe("CONFIRMED");
  });

  it("refuses a client with a secret: the link cannot carry a SecretHash, and none is made up", async () => {
    const { poolId, clientId, clientSecret } = await makePool(s.sdk, LINK_MODE, { GenerateSecret: true });
    const secret = clientSecret ?? "";
    await signUp(clientId, "sam", secret);
    const m = await s.inbox.latest({ username: "sam", userPoolId: poolId });
    const r = await page(linkIn(m?.body));
    expect(r.status).toBe(400);
    expect(r.text).toContain(`Client ${clientId} is configured for secret but secret was not received`);
    expect(await status(poolId, "sam")).toBe("UNCONFIRMED");
    // The code was not spent: the app, which holds the secret, confirms with it.
    await s.sdk.send(
      new ConfirmSignUpCommand({
        ClientId: clientId,
        Username: "sam",
        ConfirmationCode: m?.code ?? "",
        SecretHash: computeSecretHash(secret, "sam", clientId),
      }),
    );
    expect(await status(poolId, "sam")).toBe("CONFIRMED");
  });

  it("is not served for a pool that confirms with a code", async () => {
    const { poolId, clientId } = await makePool(s.sdk);
    await signUp(clientId, "cody");
    const code = (await s.inbox.latest({ username: "cody", userPoolId: poolId }))?.code ?? "";
    const q = new URLSearchParams({ client_id: clientId, user_name: "cody", confirmation_code: code });
    const r = await page(`${s.url}/confirmUser?${q.toString()}`);
    expect(r.status).toBe(400);
    expect(r.text).toContain("This user pool does not confirm sign-up by link.");
    expect(await status(poolId, "cody")).toBe("UNCONFIRMED");
  });
});

describe("GET /confirmUser and the per-IP limit", () => {
  let s: TestServer;
  // The limiter reads the server's clock: a hand-moved one makes refills exact under load.
  const clock = new ManualClock(Date.now());
  beforeAll(async () => {
    s = await startServer({ limits: { ipRequestsPerSecond: 1, ipBurst: 3 } }, { clock });
  });
  afterAll(() => s?.close());

  it("counts link clicks against the caller's address, together with its API calls", async () => {
    const { clientId } = await makePool(s.sdk, LINK_MODE);
    const q = new URLSearchParams({ client_id: clientId, user_name: "nobody", confirmation_code: "000000" });
    const link = `${s.url}/confirmUser?${q.toString()}`;
    // Two tokens spent on the API, one on the page: the bucket of 3 is empty.
    for (let i = 0; i < 2; i++) {
      const api = await rawCall(s.url, "ConfirmSignUp", {
        ClientId: clientId,
        Username: "nobody",
        ConfirmationCode: "000000",
      });
      expect(api.json?.__type).toBe("UserNotFoundException");
    }
    expect((await page(link)).status).toBe(400);
    const limited = await page(link);
    expect(limited.status).toBe(429);
    expect(limited.text).toContain("Too many requests");
    const api = await rawCall(s.url, "ConfirmSignUp", {
      ClientId: clientId,
      Username: "nobody",
      ConfirmationCode: "000000",
    });
    expect(api.json?.__type).toBe("TooManyRequestsException");
    // One second later one more request may go through.
    clock.advance(1000);
    expect((await page(link)).status).toBe(400);
    expect((await page(link)).status).toBe(429);
  });
});
