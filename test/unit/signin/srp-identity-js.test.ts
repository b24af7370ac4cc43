// The real client's SRP code (amazon-cognito-identity-js 6.3.21, AuthenticationHelper) against
// Cognate's server math: the key it derives from our SRP_B and SALT must be the key our server
// derived, for random users and passwords and for the padding edge cases (a leading 8–f nibble,
// values shorter than the modulus, a short or odd-length salt); a wrong password must not.
// Its BigInteger is slow (~0.5 s per key), so helpers are reused across rounds.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { cryptoRandom } from "../../../src/domain/ids.js";
import { G, hex, K, modPow, N } from "../../../src/domain/srp/group.js";
import { serverChallengeWith, verifyPasswordClaim } from "../../../src/domain/srp/server.js";
import { formatTimestamp, parseTimestamp } from "../../../src/domain/srp/timestamp.js";
import {
  computeVerifier,
  deviceIdentity,
  parseDeviceVerifierConfig,
  poolName,
  type StoredVerifier,
  userIdentity,
} from "../../../src/domain/srp/verifier.js";
import {
  type AuthenticationHelper,
  helperWithA,
  hkdf,
  IdentityAuthenticationHelper,
  IdentityDateHelper,
  largeA,
} from "./identityJs.js";

const POOL = "eu-west-2_Q9xYz8Abc";
const NAME = poolName(POOL);

const randomInt = (bytes: number) => BigInt(`0x${cryptoRandom.bytes(bytes).toString("hex")}`);

/** The signature exactly as identity-js assembles it (CognitoUser.authenticateUserDefaultAuth). */
function identitySignature(key: Buffer, realm: string, userId: string, block: string, ts: string): string {
  return createHmac("sha256", key)
    .update(
      Buffer.concat([
        Buffer.from(realm, "utf8"),
        Buffer.from(userId, "utf8"),
        Buffer.from(block, "base64"),
        Buffer.from(ts, "utf8"),
      ]),
    )
    .digest("base64");
}

/** A server b for which B has the wanted shape (found by drawing; each draw is one exponentiation). */
function bSuch(v: bigint, want: (Bhex: string) => boolean): bigint {
  for (let i = 0; i < 5000; i++) {
    const b = randomInt(32);
    if (want(hex((K * v + modPow(G, b)) % N))) return b;
  }
  throw new Error("no b found");
}

/** A client a for which A has the wanted shape. */
function aSuch(want: (Ahex: string) => boolean): string {
  for (let i = 0; i < 5000; i++) {
    const a = randomInt(32);
    if (want(hex(modPow(G, a)))) return hex(a);
  }
  throw new Error("no a found");
}

const highNibble = (h: string) => h.length === 768 && /^[89a-f]/.test(h);
const short = (h: string) => h.length <= 766;

interface Round {
  helper: AuthenticationHelper;
  username: string;
  password: string;
  salt: bigint;
  b?: (v: bigint) => bigint;
}

/** One handshake: our server's key from identity-js's A, identity-js's key from our B; both must agree. */
function round(r: Round): { serverKey: Buffer; clientKey: Buffer; stored: StoredVerifier; srpB: string } {
  const id = userIdentity(POOL, r.username);
  const v = computeVerifier(r.salt, id, r.password);
  const stored = { salt: hex(r.salt), verifier: hex(v) };
  const b = r.b ? r.b(v) : randomInt(32);
  const c = serverChallengeWith(b, stored, largeA(r.helper));
  if (c.kind !== "ok") throw new Error(c.kind);
  const clientKey = hkdf(r.helper, r.username, r.password, c.srpB, stored.salt);
  return { serverKey: c.key, clientKey, stored, srpB: c.srpB };
}

describe("amazon-cognito-identity-js AuthenticationHelper against the server", () => {
  const realHelper = new IdentityAuthenticationHelper(NAME);

  it("derives the same key for random users and passwords, and signs a claim the server accepts", () => {
    for (let i = 0; i < 8; i++) {
      const username = i % 2 ? cryptoRandom.uuid() : `user.${i}@example.com`;
      const password = `${cryptoRandom.bytes(9).toString("base64")}Åß€${i}`;
      const r = round({ helper: realHelper, username, password, salt: randomInt(16) });
      expect(r.clientKey.toString("hex")).toBe(r.serverKey.toString("hex"));
      const block = cryptoRandom.bytes(64).toString("base64");
      const ts = new IdentityDateHelper().getNowString();
      const sig = identitySignature(r.clientKey, NAME, username, block, ts);
      expect(verifyPasswordClaim(r.serverKey, userIdentity(POOL, username), block, ts, sig)).toBe(true);
    }
  });

  it("derives a different key from a wrong password, whose claim the server refuses", () => {
    const username = "alice";
    const id = userIdentity(POOL, username);
    const salt = randomInt(16);
    const stored = { salt: hex(salt), verifier: hex(computeVerifier(salt, id, "correct horse")) };
    const c = serverChallengeWith(randomInt(32), stored, largeA(realHelper));
    if (c.kind !== "ok") throw new Error(c.kind);
    const wrongKey = hkdf(realHelper, username, "correct horsE", c.srpB, stored.salt);
    expect(wrongKey.equals(c.key)).toBe(false);
    const block = "c2VjcmV0";
    const ts = "Mon Jan 6 09:05:01 UTC 2025";
    expect(
      verifyPasswordClaim(c.key, id, block, ts, identitySignature(wrongKey, NAME, username, block, ts)),
    ).toBe(false);
  });

  it("agrees on salts with a leading 8–f nibble, short salts and odd-length salt hex", () => {
    for (const salt of [
      0x8ce8291892390f6b53a245933faf6164n,
      0xffffffffffffffffffffffffffffffffn,
      0x00ab291892390f6b53a245933faf61n, // 15 bytes: a leading zero byte dropped
      0xabcn, // odd-length hex
      0x1n,
    ]) {
      const r = round({ helper: realHelper, username: "bob", password: "pw", salt });
      expect(r.clientKey.toString("hex"), `salt ${hex(salt)}`).toBe(r.serverKey.toString("hex"));
    }
  });

  it("agrees when B has a leading 8–f nibble and when B is shorter than N", () => {
    for (const want of [highNibble, short]) {
      const r = round({
        helper: realHelper,
        username: "carol",
        password: "pw",
        salt: randomInt(16),
        b: (v) => bSuch(v, want),
      });
      expect(want(r.srpB)).toBe(true);
      expect(r.clientKey.toString("hex")).toBe(r.serverKey.toString("hex"));
    }
  });

  it("agrees when A has a leading 8–f nibble and when A is shorter than N", () => {
    for (const want of [highNibble, short]) {
      const helper = helperWithA(NAME, aSuch(want));
      expect(want(largeA(helper))).toBe(true);
      const r = round({ helper, username: "dave", password: "pw", salt: randomInt(16) });
      expect(r.clientKey.toString("hex")).toBe(r.serverKey.toString("hex"));
    }
  });

  it("formats TIMESTAMP as the server parses it", () => {
    const ts = new IdentityDateHelper().getNowString();
    const parsed = parseTimestamp(ts);
    expect(parsed.kind).toBe("ok");
    if (parsed.kind === "ok") {
      expect(Math.abs(parsed.epochMs - Date.now())).toBeLessThan(5000);
      expect(formatTimestamp(parsed.epochMs)).toBe(ts);
    }
  });
});

describe("amazon-cognito-identity-js device verifiers (ConfirmDevice, DEVICE_PASSWORD_VERIFIER)", () => {
  it("the verifier it sends to ConfirmDevice verifies its device proof", () => {
    const groupKey = "-wt2ha1Zd";
    const deviceKey = `eu-west-2_${cryptoRandom.uuid()}`;
    const helper = new IdentityAuthenticationHelper(NAME);
    helper.generateHashDevice(groupKey, deviceKey, (err) => {
      if (err) throw err;
    });
    // What identity-js's confirmDevice sends: base64 of the padded hex values.
    const config = {
      Salt: Buffer.from(helper.getSaltDevices(), "hex").toString("base64"),
      PasswordVerifier: Buffer.from(helper.getVerifierDevices(), "hex").toString("base64"),
    };
    const parsed = parseDeviceVerifierConfig(config);
    if (parsed.kind !== "ok") throw new Error("device verifier refused");
    // The device sign-in: a new helper whose "pool name" is the device group key.
    const deviceHelper = new IdentityAuthenticationHelper(groupKey);
    const c = serverChallengeWith(randomInt(32), parsed.verifier, largeA(deviceHelper));
    if (c.kind !== "ok") throw new Error(c.kind);
    const key = hkdf(deviceHelper, deviceKey, helper.getRandomPassword(), c.srpB, parsed.verifier.salt);
    const block = cryptoRandom.bytes(40).toString("base64");
    const ts = formatTimestamp(Date.now());
    const id = deviceIdentity(groupKey, deviceKey);
    expect(
      verifyPasswordClaim(c.key, id, block, ts, identitySignature(key, groupKey, deviceKey, block, ts)),
    ).toBe(true);
    const wrong = hkdf(
      deviceHelper,
      deviceKey,
      `${helper.getRandomPassword()}x`,
      c.srpB,
      parsed.verifier.salt,
    );
    expect(
      verifyPasswordClaim(c.key, id, block, ts, identitySignature(wrong, groupKey, deviceKey, block, ts)),
    ).toBe(false);
  });
});
