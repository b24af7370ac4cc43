// amazon-cognito-identity-js's whole sign-in code (CognitoUser.authenticateUser, its SRP,
// TIMESTAMP and signature, ConfirmDevice, then DEVICE_SRP_AUTH on a remembered device) run
// against a small in-process responder built only from the domain modules: SRP, SECRET_BLOCK,
// Session, tokens. The client's transport (CognitoUserPool.client) is the one thing replaced:
// requests reach the responder as the JSON they would have sent over HTTP. The operations
// themselves are tested end to end with the real server elsewhere.
import { createRequire } from "node:module";
import { beforeAll, describe, expect, it } from "vitest";
import { issueSession, openSession } from "../../../src/domain/authSession.js";
import { cryptoRandom } from "../../../src/domain/ids.js";
import { deriveSealKey } from "../../../src/domain/seal.js";
import { issueSecretBlock, openSecretBlock } from "../../../src/domain/secretBlock.js";
import { serverChallenge, verifyPasswordClaim } from "../../../src/domain/srp/server.js";
import { parseTimestamp } from "../../../src/domain/srp/timestamp.js";
import {
  createVerifier,
  deviceIdentity,
  parseDeviceVerifierConfig,
  type StoredVerifier,
  userIdentity,
  verifierTag,
} from "../../../src/domain/srp/verifier.js";
import { buildClaims } from "../../../src/domain/tokens/claims.js";
import { signToken, verifyAccessToken } from "../../../src/domain/tokens/jwt.js";
import {
  generateSigningKey,
  type KeyRing,
  loadKeyRing,
  loadSigner,
  type Signer,
} from "../../../src/domain/tokens/keys.js";
import { issuerFor } from "../../../src/domain/tokens/validity.js";
import { asUsername } from "../../../src/domain/usernames.js";

const POOL = "us-east-1_Fl0wTest1";
const CLIENT = "7ajt1lkd2m3uj5rcn0hvo2k3pq";
const ISSUER = issuerFor({ kind: "self", publicUrl: "http://127.0.0.1:9229" }, POOL);
const SECRET = Buffer.alloc(32, 5);
const blockKey = deriveSealKey(SECRET, "srp-secret-block");
const sessionKey = deriveSealKey(SECRET, "auth-session");

type Json = Record<string, unknown>;
interface Device {
  groupKey: string;
  verifier: StoredVerifier | null;
}

class Fail extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The responder: just enough of InitiateAuth / RespondToAuthChallenge / ConfirmDevice. */
class Responder {
  readonly users = new Map<string, { sub: string; verifier: StoredVerifier; email: string }>();
  readonly devices = new Map<string, Device>();
  readonly usedBlocks = new Set<string>();
  readonly calls: string[] = [];
  rememberDevices = true;
  constructor(
    private readonly signers: { id: Signer; access: Signer },
    private readonly ring: KeyRing,
  ) {}

  addUser(username: string, password: string): void {
    const verifier = createVerifier(cryptoRandom, userIdentity(POOL, username), password);
    this.users.set(username, { sub: cryptoRandom.uuid(), verifier, email: `${username}@example.com` });
  }

  async handle(op: string, p: Json): Promise<Json> {
    const params = (p.AuthParameters ?? p.ChallengeResponses ?? {}) as Record<string, string>;
    this.calls.push(op === "RespondToAuthChallenge" ? String(p.ChallengeName) : op);
    if (op === "InitiateAuth") return this.initiate(params);
    if (op === "ConfirmDevice") return this.confirmDevice(p);
    if (op !== "RespondToAuthChallenge") throw new Fail("InvalidParameterException", `unexpected ${op}`);
    if (p.ChallengeName === "PASSWORD_VERIFIER" || p.ChallengeName === "DEVICE_PASSWORD_VERIFIER") {
      return this.verifyProof(String(p.ChallengeName), params);
    }
    if (p.ChallengeName === "DEVICE_SRP_AUTH") return this.deviceChallenge(String(p.Session), params);
    throw new Fail("InvalidParameterException", "unexpected challenge");
  }

  private initiate(params: Record<string, string>): Json {
    const user = this.users.get(params.USERNAME ?? "");
    if (!user) throw new Fail("NotAuthorizedException", "Incorrect username or password.");
    const c = serverChallenge(cryptoRandom, user.verifier, params.SRP_A ?? "");
    if (c.kind !== "ok") throw new Fail("InvalidParameterException", c.kind);
    const { secretBlock } = issueSecretBlock(blockKey, cryptoRandom, {
      challenge: "PASSWORD_VERIFIER",
      poolId: POOL,
      clientId: CLIENT,
      username: params.USERNAME ?? "",
      key: c.key,
      verifierTag: verifierTag(user.verifier),
      issuedAt: Date.now(),
    });
    const username = params.USERNAME ?? "";
    return {
      ChallengeName: "PASSWORD_VERIFIER",
      ChallengeParameters: {
        SALT: user.verifier.salt,
        SRP_B: c.srpB,
        SECRET_BLOCK: secretBlock,
        USER_ID_FOR_SRP: username,
        USERNAME: username,
      },
    };
  }

  private async verifyProof(challenge: string, params: Record<string, string>): Promise<Json> {
    const wrong = () => new Fail("NotAuthorizedException", "Incorrect username or password.");
    const block = params.PASSWORD_CLAIM_SECRET_BLOCK ?? "";
    const opened = openSecretBlock(blockKey, block, { poolId: POOL, clientId: CLIENT }, Date.now(), 180_000);
    if (opened.kind !== "ok" || opened.state.challenge !== challenge || this.usedBlocks.has(opened.id))
      throw wrong();
    this.usedBlocks.add(opened.id);
    const s = opened.state;
    const user = this.users.get(s.username);
    const ts = params.TIMESTAMP ?? "";
    if (!user || params.USERNAME !== s.username || parseTimestamp(ts).kind !== "ok") throw wrong();
    const device = s.deviceKey === undefined ? undefined : this.devices.get(s.deviceKey);
    const identity =
      challenge === "DEVICE_PASSWORD_VERIFIER" && device !== undefined && s.deviceKey !== undefined
        ? deviceIdentity(device.groupKey, s.deviceKey)
        : userIdentity(POOL, s.username);
    if (!verifyPasswordClaim(s.key, identity, block, ts, params.PASSWORD_CLAIM_SIGNATURE ?? ""))
      throw wrong();
    // A known, confirmed device after the password: prove the device too.
    const sentDevice = params.DEVICE_KEY;
    if (challenge === "PASSWORD_VERIFIER" && sentDevice && this.devices.get(sentDevice)?.verifier) {
      const session = issueSession(
        sessionKey,
        cryptoRandom,
        {
          challenge: "DEVICE_SRP_AUTH",
          poolId: POOL,
          clientId: CLIENT,
          username: s.username,
          flow: "USER_SRP_AUTH",
          admin: false,
          startedAt: s.issuedAt,
          failedAttempts: 0,
          deviceKey: sentDevice,
        },
        Date.now(),
        180_000,
      );
      if (session.kind !== "ok") throw new Error(session.kind);
      return { ChallengeName: "DEVICE_SRP_AUTH", Session: session.session, ChallengeParameters: {} };
    }
    return this.tokens(s.username, challenge === "DEVICE_PASSWORD_VERIFIER" ? s.deviceKey : undefined);
  }

  private deviceChallenge(session: string, params: Record<string, string>): Json {
    const opened = openSession(sessionKey, session, { poolId: POOL, clientId: CLIENT }, Date.now());
    if (opened.kind !== "ok" || opened.state.challenge !== "DEVICE_SRP_AUTH")
      throw new Fail("NotAuthorizedException", "Invalid session for the user.");
    const deviceKey = params.DEVICE_KEY ?? "";
    const device = this.devices.get(deviceKey);
    if (!device?.verifier || deviceKey !== opened.state.deviceKey)
      throw new Fail("ResourceNotFoundException", "Device does not exist.");
    const c = serverChallenge(cryptoRandom, device.verifier, params.SRP_A ?? "");
    if (c.kind !== "ok") throw new Fail("InvalidParameterException", c.kind);
    const { secretBlock } = issueSecretBlock(blockKey, cryptoRandom, {
      challenge: "DEVICE_PASSWORD_VERIFIER",
      poolId: POOL,
      clientId: CLIENT,
      username: opened.state.username,
      deviceKey,
      key: c.key,
      verifierTag: verifierTag(device.verifier),
      issuedAt: Date.now(),
    });
    return {
      ChallengeName: "DEVICE_PASSWORD_VERIFIER",
      ChallengeParameters: {
        USERNAME: opened.state.username,
        SRP_B: c.srpB,
        SALT: device.verifier.salt,
        SECRET_BLOCK: secretBlock,
        DEVICE_KEY: deviceKey,
      },
    };
  }

  private async confirmDevice(p: Json): Promise<Json> {
    const check = await verifyAccessToken(String(p.AccessToken), {
      keys: this.ring,
      issuer: ISSUER,
      now: Date.now(),
    });
    if (check.kind !== "ok") throw new Fail("NotAuthorizedException", "Invalid Access Token");
    const device = this.devices.get(String(p.DeviceKey));
    const parsed = parseDeviceVerifierConfig(p.DeviceSecretVerifierConfig as Json);
    if (!device || parsed.kind !== "ok") throw new Fail("InvalidParameterException", "bad device");
    device.verifier = parsed.verifier;
    return { UserConfirmationNecessary: false };
  }

  private async tokens(username: string, deviceKey: string | undefined): Promise<Json> {
    const user = this.users.get(username);
    if (!user) throw new Error("no user");
    const now = Date.now();
    const claims = buildClaims(cryptoRandom, {
      user: {
        username: asUsername(username),
        sub: user.sub,
        attributes: { email: user.email, email_verified: "true" },
      },
      groups: [],
      clientId: CLIENT,
      issuer: ISSUER,
      now,
      authTime: now,
      originJti: cryptoRandom.uuid(),
      eventId: cryptoRandom.uuid(),
      revocationEnabled: true,
      validity: { accessSeconds: 3600, idSeconds: 3600 },
      deviceKey,
    });
    const result: Json = {
      AccessToken: await signToken(this.signers.access, claims.access),
      IdToken: await signToken(this.signers.id, claims.id),
      RefreshToken: "opaque-refresh-token",
      ExpiresIn: 3600,
      TokenType: "Bearer",
    };
    if (this.rememberDevices && deviceKey === undefined) {
      const key = `us-east-1_${cryptoRandom.uuid()}`;
      const groupKey = `-${cryptoRandom.bytes(6).toString("base64url")}`;
      this.devices.set(key, { groupKey, verifier: null });
      result.NewDeviceMetadata = { DeviceKey: key, DeviceGroupKey: groupKey };
    }
    return { ChallengeParameters: {}, AuthenticationResult: result };
  }
}

// identity-js, from its CommonJS build (its typings lack the internals used here).
const require = createRequire(import.meta.url);
const identity = require("amazon-cognito-identity-js") as {
  CognitoUserPool: new (data: { UserPoolId: string; ClientId: string }) => { client: unknown };
  CognitoUser: new (data: {
    Username: string;
    Pool: unknown;
  }) => {
    authenticateUser(details: unknown, callbacks: Json): void;
  };
  AuthenticationDetails: new (data: { Username: string; Password: string }) => unknown;
};

interface Session {
  getIdToken(): { payload: Json };
  getAccessToken(): { payload: Json };
}

let responder: Responder;
let pool: { client: unknown };

beforeAll(async () => {
  const [id, access] = await Promise.all([generateSigningKey("id"), generateSigningKey("access")]);
  responder = new Responder(
    { id: await loadSigner(id), access: await loadSigner(access) },
    await loadKeyRing([id, access]),
  );
  pool = new identity.CognitoUserPool({ UserPoolId: POOL, ClientId: CLIENT });
  pool.client = {
    request(op: string, params: Json, cb: (err: unknown, data?: unknown) => void) {
      // Through JSON, as the wire would carry it.
      responder.handle(op, JSON.parse(JSON.stringify(params))).then(
        (data) => cb(null, JSON.parse(JSON.stringify(data))),
        (e: unknown) => cb(e instanceof Fail ? { code: e.code, name: e.code, message: e.message } : e),
      );
    },
  };
});

function signIn(username: string, password: string): Promise<Session> {
  const user = new identity.CognitoUser({ Username: username, Pool: pool });
  return new Promise((resolve, reject) => {
    user.authenticateUser(new identity.AuthenticationDetails({ Username: username, Password: password }), {
      onSuccess: (s: Session) => resolve(s),
      onFailure: (e: unknown) => reject(e),
    });
  });
}

describe("amazon-cognito-identity-js authenticateUser against the domain modules", () => {
  it("signs in with SRP, confirms the new device, then signs in again through device SRP", async () => {
    responder.addUser("alice", "Corr3ct horse!");
    const first = await signIn("alice", "Corr3ct horse!");
    expect(first.getIdToken().payload).toMatchObject({
      "cognito:username": "alice",
      email_verified: true,
      token_use: "id",
    });
    expect(responder.calls.splice(0)).toEqual(["InitiateAuth", "PASSWORD_VERIFIER", "ConfirmDevice"]);
    const [deviceKey, device] = [...responder.devices.entries()][0] ?? [];
    expect(device?.verifier).not.toBeNull();

    const second = await signIn("alice", "Corr3ct horse!");
    expect(responder.calls.splice(0)).toEqual([
      "InitiateAuth",
      "PASSWORD_VERIFIER",
      "DEVICE_SRP_AUTH",
      "DEVICE_PASSWORD_VERIFIER",
    ]);
    expect(second.getAccessToken().payload).toMatchObject({ username: "alice", device_key: deviceKey });
  });

  it("a wrong password gets Cognito's answer", async () => {
    responder.addUser("bob", "Right-pa55");
    await expect(signIn("bob", "Wrong-pa55")).rejects.toMatchObject({
      code: "NotAuthorizedException",
      message: "Incorrect username or password.",
    });
  });
});
