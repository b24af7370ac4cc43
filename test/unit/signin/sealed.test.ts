// Sealed strings: the AEAD helper, the SRP SECRET_BLOCK and the challenge Session
// (docs/signin-internals.md, "Sealed strings").
import { describe, expect, it } from "vitest";
import {
  type AuthSessionState,
  issueSession,
  openSession,
  SESSION_MAX_LENGTH,
} from "../../../src/domain/authSession.js";
import { cryptoRandom } from "../../../src/domain/ids.js";
import { decodeBase64Strict, deriveSealKey, seal, unseal } from "../../../src/domain/seal.js";
import { issueSecretBlock, openSecretBlock, type SecretBlockState } from "../../../src/domain/secretBlock.js";

const SECRET = Buffer.alloc(32, 9);
const POOL = "us-east-1_AbCdEf123";
const CLIENT = "3n4b5urk1ft4fl3mg5e62d9ado";
const NOW = Date.UTC(2026, 0, 1, 12);

/** Flips one bit of a base64 string's bytes, keeping it valid base64. */
function flip(b64: string, at: number): string {
  const b = Buffer.from(b64, "base64");
  b[at] = (b[at] ?? 0) ^ 1;
  return b.toString("base64");
}

describe("seal / unseal", () => {
  const key = deriveSealKey(SECRET, "auth-session");

  it("round-trips, with a fresh id each time", () => {
    const a = seal(key, cryptoRandom, Buffer.from("hello"), Buffer.from("aad"));
    const b = seal(key, cryptoRandom, Buffer.from("hello"), Buffer.from("aad"));
    expect(a.id).not.toBe(b.id);
    expect(a.bytes.equals(b.bytes)).toBe(false);
    expect(unseal(key, a.bytes, Buffer.from("aad"))).toEqual({ plaintext: Buffer.from("hello"), id: a.id });
  });

  it("refuses another key, other AAD, any altered byte, truncation and another version", () => {
    const s = seal(key, cryptoRandom, Buffer.from("hello"), Buffer.from("aad"));
    expect(unseal(deriveSealKey(SECRET, "refresh-token"), s.bytes, Buffer.from("aad"))).toBeNull();
    expect(
      unseal(deriveSealKey(Buffer.alloc(32, 8), "auth-session"), s.bytes, Buffer.from("aad")),
    ).toBeNull();
    expect(unseal(key, s.bytes, Buffer.from("aae"))).toBeNull();
    for (let i = 0; i < s.bytes.length; i++) {
      const t = Buffer.from(s.bytes);
      t[i] = (t[i] ?? 0) ^ 0x80;
      expect(unseal(key, t, Buffer.from("aad")), `byte ${i}`).toBeNull();
    }
    expect(unseal(key, s.bytes.subarray(0, s.bytes.length - 1), Buffer.from("aad"))).toBeNull();
    expect(unseal(key, Buffer.alloc(10), Buffer.from("aad"))).toBeNull();
  });

  it("derives a different key per purpose and per secret", () => {
    const keys = new Set(
      (["srp-secret-block", "auth-session", "refresh-token", "signing-key", "totp-secret"] as const).map(
        (p) => deriveSealKey(SECRET, p).toString("hex"),
      ),
    );
    expect(keys.size).toBe(5);
    expect(deriveSealKey(SECRET, "auth-session")).toHaveLength(32);
  });

  it("decodes only canonical standard base64", () => {
    expect(decodeBase64Strict("aGk=")).toEqual(Buffer.from("hi"));
    expect(decodeBase64Strict("aGk")).toBeNull();
    expect(decodeBase64Strict("aGl=")).toBeNull(); // non-zero padding bits
    expect(decodeBase64Strict("aG-_")).toBeNull();
    expect(decodeBase64Strict("aG k=")).toBeNull();
    expect(decodeBase64Strict("")).toBeNull();
  });
});

describe("SECRET_BLOCK", () => {
  const key = deriveSealKey(SECRET, "srp-secret-block");
  const state: SecretBlockState = {
    challenge: "PASSWORD_VERIFIER",
    poolId: POOL,
    clientId: CLIENT,
    username: "alice",
    key: Buffer.from("16142f90e6397782ad34636987f557f6", "hex"),
    verifierTag: "abcdefghijklmnop",
    issuedAt: NOW,
  };
  const expected = { poolId: POOL, clientId: CLIENT };

  it("is standard padded base64 and opens to the same state", () => {
    const issued = issueSecretBlock(key, cryptoRandom, state);
    expect(issued.secretBlock).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(issued.secretBlock.length % 4).toBe(0);
    const opened = openSecretBlock(key, issued.secretBlock, expected, NOW + 1000, 180_000);
    expect(opened).toEqual({ kind: "ok", state, id: issued.id });
  });

  it("carries a device key", () => {
    const s = {
      ...state,
      challenge: "DEVICE_PASSWORD_VERIFIER" as const,
      deviceKey: "us-east-1_6a1c9f1b-0d1e-4b8a-9d3c-1f2e3d4c5b6a",
    };
    const opened = openSecretBlock(
      key,
      issueSecretBlock(key, cryptoRandom, s).secretBlock,
      expected,
      NOW,
      1000,
    );
    expect(opened.kind === "ok" && opened.state).toEqual(s);
  });

  it("refuses tampered, foreign, expired and future blocks", () => {
    const { secretBlock } = issueSecretBlock(key, cryptoRandom, state);
    const open = (b: string, exp = expected, now = NOW) => openSecretBlock(key, b, exp, now, 180_000).kind;
    expect(open(flip(secretBlock, 20))).toBe("tampered");
    expect(open(flip(secretBlock, 0))).toBe("tampered");
    expect(open(secretBlock.slice(0, -4))).toBe("tampered");
    expect(open(`${secretBlock} `)).toBe("tampered");
    expect(open("c2VjcmV0LWJsb2NrLWJ5dGVzLWZyb20tc2VydmVy")).toBe("tampered");
    expect(open("")).toBe("tampered");
    expect(
      openSecretBlock(deriveSealKey(SECRET, "auth-session"), secretBlock, expected, NOW, 1000).kind,
    ).toBe("tampered");
    expect(open(secretBlock, { poolId: "us-east-1_Other", clientId: CLIENT })).toBe("foreign-pool");
    expect(open(secretBlock, { poolId: POOL, clientId: "otherclient" })).toBe("foreign-client");
    expect(open(secretBlock, expected, NOW + 180_000)).toBe("ok");
    expect(open(secretBlock, expected, NOW + 180_001)).toBe("expired");
    expect(open(secretBlock, expected, NOW - 60_000)).toBe("expired");
  });

  it("each block has its own id (for single use)", () => {
    const ids = new Set(Array.from({ length: 50 }, () => issueSecretBlock(key, cryptoRandom, state).id));
    expect(ids.size).toBe(50);
  });
});

describe("Session", () => {
  const key = deriveSealKey(SECRET, "auth-session");
  const state: AuthSessionState = {
    challenge: "SOFTWARE_TOKEN_MFA",
    poolId: POOL,
    clientId: CLIENT,
    username: "5f4dcc3b-5aa7-4c5d-9e0b-0a1b2c3d4e5f",
    flow: "USER_SRP_AUTH",
    admin: false,
    startedAt: NOW,
    failedAttempts: 0,
  };
  const expected = { poolId: POOL, clientId: CLIENT };

  it("round-trips a state and expires after the validity", () => {
    const issued = issueSession(key, cryptoRandom, state, NOW, 3 * 60_000);
    if (issued.kind !== "ok") throw new Error(issued.kind);
    expect(issued.session.length).toBeGreaterThanOrEqual(20);
    expect(issued.session.length).toBeLessThanOrEqual(SESSION_MAX_LENGTH);
    expect(issued.expiresAt).toBe(NOW + 180_000);
    expect(openSession(key, issued.session, expected, NOW + 179_999)).toEqual({
      kind: "ok",
      state,
      id: issued.id,
      issuedAt: NOW,
      expiresAt: NOW + 180_000,
    });
    expect(openSession(key, issued.session, expected, NOW + 180_000).kind).toBe("expired");
  });

  it("carries custom-auth history and private parameters", () => {
    const custom: AuthSessionState = {
      ...state,
      challenge: "CUSTOM_CHALLENGE",
      flow: "CUSTOM_AUTH",
      failedAttempts: 1,
      customSteps: [
        { challengeName: "SRP_A", challengeResult: true },
        { challengeName: "PASSWORD_VERIFIER", challengeResult: true },
        { challengeName: "CUSTOM_CHALLENGE", challengeResult: false, challengeMetadata: "CAPTCHA" },
      ],
      privateChallengeParameters: { answer: "42" },
      challengeMetadata: "QUESTION",
      userNotFound: true,
      deviceKey: "us-east-1_6a1c9f1b-0d1e-4b8a-9d3c-1f2e3d4c5b6a",
    };
    const issued = issueSession(key, cryptoRandom, custom, NOW, 900_000);
    if (issued.kind !== "ok") throw new Error(issued.kind);
    const opened = openSession(key, issued.session, expected, NOW);
    expect(opened.kind === "ok" && opened.state).toEqual(custom);
    // The private parameters are not readable in the string.
    expect(Buffer.from(issued.session, "base64").toString("latin1")).not.toContain("answer");
  });

  it("refuses a state that would not fit the model's 2048 characters", () => {
    const big = { ...state, privateChallengeParameters: { blob: "x".repeat(1600) } };
    const issued = issueSession(key, cryptoRandom, big, NOW, 180_000);
    expect(issued.kind).toBe("too-large");
    // Just under the limit is accepted and stays within it.
    for (let n = 1300; n < 1600; n += 10) {
      const r = issueSession(
        key,
        cryptoRandom,
        { ...state, privateChallengeParameters: { blob: "x".repeat(n) } },
        NOW,
        1,
      );
      if (r.kind === "ok") expect(r.session.length).toBeLessThanOrEqual(SESSION_MAX_LENGTH);
      else expect(r.length).toBeGreaterThan(SESSION_MAX_LENGTH);
    }
  });

  it("refuses tampered and foreign sessions, and a SECRET_BLOCK given as a session", () => {
    const issued = issueSession(key, cryptoRandom, state, NOW, 180_000);
    if (issued.kind !== "ok") throw new Error(issued.kind);
    expect(openSession(key, flip(issued.session, 30), expected, NOW).kind).toBe("tampered");
    expect(openSession(key, "AYABeDSlA5Cqk4gzuN2ak6PQ0pUAAAAAAAAAAA==", expected, NOW).kind).toBe("tampered");
    expect(openSession(key, issued.session, { poolId: "us-east-1_Other", clientId: CLIENT }, NOW).kind).toBe(
      "foreign-pool",
    );
    expect(openSession(key, issued.session, { poolId: POOL, clientId: "x" }, NOW).kind).toBe(
      "foreign-client",
    );
    const block = issueSecretBlock(deriveSealKey(SECRET, "srp-secret-block"), cryptoRandom, {
      challenge: "PASSWORD_VERIFIER",
      poolId: POOL,
      clientId: CLIENT,
      username: "a",
      key: Buffer.alloc(16),
      verifierTag: "t",
      issuedAt: NOW,
    });
    expect(openSession(key, block.secretBlock, expected, NOW).kind).toBe("tampered");
    // Even under the same key, the AAD keeps one kind of string from opening as the other.
    expect(
      openSession(deriveSealKey(SECRET, "srp-secret-block"), block.secretBlock, expected, NOW).kind,
    ).toBe("tampered");
  });
});
