// CUSTOM_AUTH's refusals through boto3 (docs/custom-auth.md, "Errors"): a function missing
// from LambdaConfig, each function failing (the trigger error mapping every trigger has),
// answers Cognate cannot use, failing winning over tokens, the step cap, a challenge too big
// for a Session, an expired Session (the server runs on an injected clock), the client's
// flows and SECRET_HASH.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeSecretHash } from "../../src/domain/secretHash.js";
import { ManualClock } from "../../src/ports/clock.js";
import { arn, CUSTOM_TRIGGERS, customAuthTriggers, customPool, customStart } from "../helpers/customAuth.js";
import { expectError } from "../helpers/expect.js";
import { runPython } from "../helpers/python.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { confirmedUser } from "../helpers/signin.js";

const NOT_CONFIGURED = "Custom auth lambda trigger is not configured for the user pool.";
const INCORRECT = "Incorrect username or password.";

// Every call answers [code, message], or "ok:<ChallengeName or TOKENS>".
const PRELUDE = `
import json, sys, boto3
from botocore.exceptions import ClientError
url = sys.argv[1]
cfg = json.loads(sys.argv[2])
c = boto3.client("cognito-idp", endpoint_url=url, region_name="us-east-1")
def call(f):
    try:
        r = f()
        return "ok:" + r.get("ChallengeName", "TOKENS"), r
    except ClientError as e:
        return [e.response["Error"]["Code"], e.response["Error"]["Message"]], None
def start(client, user="cat", meta=None, **params):
    kw = {"ClientId": client, "AuthFlow": "CUSTOM_AUTH", "AuthParameters": dict(USERNAME=user, **params)}
    if meta: kw["ClientMetadata"] = meta
    return call(lambda: c.initiate_auth(**kw))
def answer(client, session, text, user="cat", meta=None, **params):
    kw = {"ClientId": client, "ChallengeName": "CUSTOM_CHALLENGE", "Session": session,
          "ChallengeResponses": dict(USERNAME=user, ANSWER=text, **params)}
    if meta: kw["ClientMetadata"] = meta
    return call(lambda: c.respond_to_auth_challenge(**kw))
out = {}
`;

describe("CUSTOM_AUTH errors (boto3)", () => {
  let s: TestServer;
  const clock = new ManualClock(Date.now());
  const clients: Record<string, string> = {};
  let secret = "";

  beforeAll(async () => {
    s = await startServer({ configCacheSeconds: 0, triggers: customAuthTriggers() }, { clock });
    const pools: Record<string, Parameters<typeof customPool>[1]> = {
      none: {},
      defineOnly: { DefineAuthChallenge: arn("define") },
      noVerify: { DefineAuthChallenge: arn("define"), CreateAuthChallenge: arn("create") },
      full: CUSTOM_TRIGGERS,
      garbage: { ...CUSTOM_TRIGGERS, DefineAuthChallenge: arn("defineGarbage") },
      nothing: { ...CUSTOM_TRIGGERS, DefineAuthChallenge: arn("defineNothing") },
      both: { ...CUSTOM_TRIGGERS, DefineAuthChallenge: arn("defineBoth") },
      forever: { ...CUSTOM_TRIGGERS, DefineAuthChallenge: arn("defineForever") },
      huge: { ...CUSTOM_TRIGGERS, CreateAuthChallenge: arn("createHuge") },
    };
    for (const [name, lambda] of Object.entries(pools)) {
      const p = await customPool(s.sdk, lambda);
      clients[name] = p.clientId;
      await confirmedUser(s.sdk, { poolId: p.poolId, clientId: p.clientId, username: "cat" });
      if (name === "full") {
        // Flows: a client without CUSTOM_AUTH, a legacy custom-only one, one with a secret.
        const off = await customPool(s.sdk, lambda, {
          ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        });
        const legacy = await customPool(s.sdk, lambda, { ExplicitAuthFlows: ["CUSTOM_AUTH_FLOW_ONLY"] });
        const withSecret = await customPool(s.sdk, lambda, { GenerateSecret: true });
        for (const [n, q] of Object.entries({ off, legacy, withSecret })) {
          clients[n] = q.clientId;
          await confirmedUser(s.sdk, { ...q, username: "cat" });
        }
        secret = withSecret.clientSecret ?? "";
      }
    }
  });
  afterAll(() => s?.close());

  it("missing functions, failing functions, unusable answers, the step cap, an oversized challenge", async () => {
    const script = `${PRELUDE}
k = cfg["clients"]
out["none"] = start(k["none"])[0]
out["define_only"] = start(k["defineOnly"])[0]
_, r = start(k["noVerify"])
out["no_verify"] = answer(k["noVerify"], r["Session"], "x")[0]
out["no_username"] = call(lambda: c.initiate_auth(ClientId=k["full"], AuthFlow="CUSTOM_AUTH", AuthParameters={}))[0]
# Each function failing: InitiateAuth's ClientMetadata does not reach Define or Create, an answer's does.
_, r = start(k["full"], meta={"defineFails": "yes"})
out["define_fails"] = answer(k["full"], r["Session"], "x", meta={"defineFails": "yes"})[0]
_, r = start(k["full"])
out["create_fails"] = answer(k["full"], r["Session"], "x", meta={"createFails": "yes"})[0]
_, r = start(k["full"])
out["verify_fails"] = answer(k["full"], r["Session"], "x", meta={"verifyFails": "yes"})[0]
# The Session of a sign-in a function failed is spent.
out["after_failure"] = answer(k["full"], r["Session"], "x")[0]
out["garbage"] = start(k["garbage"])[0]
out["nothing"] = start(k["nothing"])[0]
out["both"] = start(k["both"])[0]
out["huge"] = start(k["huge"])[0]
res, r = start(k["forever"])
steps = [res]
for i in range(12):
    res, nxt = answer(k["forever"], r["Session"], "x")
    steps.append(res)
    if nxt is None: break
    r = nxt
out["forever"] = steps
print(json.dumps(out))
`;
    const out = await runPython(script, [s.url, JSON.stringify({ clients })]);
    expect(out.none).toEqual(["InvalidParameterException", NOT_CONFIGURED]);
    expect(out.define_only).toEqual(["InvalidParameterException", NOT_CONFIGURED]);
    expect(out.no_verify).toEqual(["InvalidParameterException", NOT_CONFIGURED]);
    expect(out.no_username).toEqual(["InvalidParameterException", "Missing required parameter USERNAME"]);
    expect(out.define_fails).toEqual([
      "UserLambdaValidationException",
      "DefineAuthChallenge failed with error Sign-in is closed today.",
    ]);
    // Cognito's own words for this one are on record (a sample app's issue).
    expect(out.create_fails).toEqual([
      "UserLambdaValidationException",
      "CreateAuthChallenge failed with error 'challengeMetaData'.",
    ]);
    expect(out.verify_fails).toEqual([
      "UserLambdaValidationException",
      "VerifyAuthChallengeResponse failed with error Verifier unavailable.",
    ]);
    expect(out.after_failure).toEqual([
      "NotAuthorizedException",
      "Invalid session for the user, session can only be used once.",
    ]);
    expect(out.garbage).toEqual([
      "InvalidLambdaResponseException",
      "Invalid lambda function output : Invalid JSON",
    ]);
    expect(out.nothing).toEqual(["InvalidLambdaResponseException", "Unrecognizable lambda output"]);
    expect(out.both).toEqual(["NotAuthorizedException", INCORRECT]);
    expect(out.huge).toEqual([
      "InvalidLambdaResponseException",
      "CreateAuthChallenge answered more challenge parameters and metadata than the sign-in session can carry.",
    ]);
    // Ten answered challenges, then the sign-in fails as a failed authentication.
    const forever = out.forever as unknown[];
    expect(forever).toHaveLength(12);
    expect(forever.slice(0, 11)).toEqual(Array(11).fill("ok:CUSTOM_CHALLENGE"));
    expect(forever[11]).toEqual(["NotAuthorizedException", INCORRECT]);
  });

  it("the client's flows and SECRET_HASH", async () => {
    const hash = computeSecretHash(secret, "cat", clients.withSecret ?? "");
    const script = `${PRELUDE}
k = cfg["clients"]
out["off"] = start(k["off"])[0]
res, r = start(k["legacy"])
out["legacy"] = [res, answer(k["legacy"], r["Session"], "private-word-1-cat@example.com")[0]]
out["legacy_srp"] = call(lambda: c.initiate_auth(ClientId=k["legacy"], AuthFlow="USER_SRP_AUTH", AuthParameters={"USERNAME": "cat", "SRP_A": "abc"}))[0]
out["no_secret"] = start(k["withSecret"])[0]
out["bad_secret"] = start(k["withSecret"], SECRET_HASH="bm9wZQ==")[0]
res, r = start(k["withSecret"], SECRET_HASH=cfg["hash"])
out["secret"] = [res, answer(k["withSecret"], r["Session"], "x")[0]]
res, r = start(k["withSecret"], SECRET_HASH=cfg["hash"])
out["secret_ok"] = answer(k["withSecret"], r["Session"], "private-word-1-cat@example.com", SECRET_HASH=cfg["hash"])[0]
print(json.dumps(out))
`;
    const out = await runPython(script, [s.url, JSON.stringify({ clients, hash })]);
    expect(out.off).toEqual(["InvalidParameterException", "CUSTOM_AUTH is not enabled for the client."]);
    expect(out.legacy).toEqual(["ok:CUSTOM_CHALLENGE", "ok:TOKENS"]);
    expect(out.legacy_srp).toEqual([
      "InvalidParameterException",
      "USER_SRP_AUTH is not enabled for the client.",
    ]);
    const id = clients.withSecret;
    expect(out.no_secret).toEqual([
      "NotAuthorizedException",
      `Client ${id} is configured for secret but secret was not received`,
    ]);
    expect(out.bad_secret).toEqual([
      "NotAuthorizedException",
      `Unable to verify secret hash for client ${id}`,
    ]);
    // Every answer of a client with a secret carries SECRET_HASH too.
    expect(out.secret).toEqual([
      "ok:CUSTOM_CHALLENGE",
      ["NotAuthorizedException", `Client ${id} is configured for secret but secret was not received`],
    ]);
    expect(out.secret_ok).toBe("ok:TOKENS");
  });

  it("a Session past the client's AuthSessionValidity (3 minutes by default) is expired", async () => {
    const started = await customStart(s.sdk, clients.full ?? "", "cat");
    clock.advance(3 * 60_000 + 1_000);
    const script = `${PRELUDE}
out["expired"] = answer(cfg["client"], cfg["session"], "private-word-1-cat@example.com")[0]
print(json.dumps(out))
`;
    const out = await runPython(script, [
      s.url,
      JSON.stringify({ client: clients.full, session: started.Session }),
    ]);
    expect(out.expired).toEqual([
      "NotAuthorizedException",
      "Invalid session for the user, session is expired.",
    ]);
    // A fresh sign-in works on the same clock.
    await expectError(
      customStart(s.sdk, clients.none ?? "", "cat"),
      "InvalidParameterException",
      NOT_CONFIGURED,
    );
    expect((await customStart(s.sdk, clients.full ?? "", "cat")).ChallengeName).toBe("CUSTOM_CHALLENGE");
  });
});
