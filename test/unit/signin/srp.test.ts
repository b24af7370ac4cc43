// Cognito's SRP-6a: the published test vector (docs/signin-internals.md, "SRP"), the
// exponentiation engine against plain BigInt arithmetic, and server ↔ client agreement.
import { describe, expect, it } from "vitest";
import { cryptoRandom, type Random } from "../../../src/domain/ids.js";
import { clientClaim, clientKey, clientStart, clientStartWith } from "../../../src/domain/srp/client.js";
import { G, K, modPow, N, pad, padHex, parseHexInt } from "../../../src/domain/srp/group.js";
import {
  computeU,
  passwordClaim,
  serverChallenge,
  serverChallengeWith,
  verifyPasswordClaim,
} from "../../../src/domain/srp/server.js";
import { simulatedSrpUser } from "../../../src/domain/srp/simulated.js";
import {
  computeVerifier,
  computeX,
  createVerifier,
  passwordMatchesVerifier,
  poolName,
  userIdentity,
  verifierTag,
} from "../../../src/domain/srp/verifier.js";

const POOL = "us-east-1_AbCdEf123";
const ID = userIdentity(POOL, "alice");
const PASSWORD = "P@ssw0rd!";
const SALT = "8ce8291892390f6b53a245933faf6164";
const A_SMALL = BigInt(`0x${"5".repeat(256)}`);
const B_SMALL = BigInt(`0x7c3a1f${"11".repeat(29)}`);
const SECRET_BLOCK = "c2VjcmV0LWJsb2NrLWJ5dGVzLWZyb20tc2VydmVy";
const TIMESTAMP = "Tue Sep 5 00:09:40 UTC 2023";

function naiveModPow(base: bigint, exp: bigint, m: bigint): bigint {
  let r = 1n;
  let b = ((base % m) + m) % m;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

describe("the published test vector", () => {
  const x = computeX(BigInt(`0x${SALT}`), ID, PASSWORD);
  const v = computeVerifier(BigInt(`0x${SALT}`), ID, PASSWORD);
  const start = clientStartWith(A_SMALL);
  const challenge = serverChallengeWith(B_SMALL, { salt: SALT, verifier: v.toString(16) }, start.srpA);

  it("derives k, x, v, A, B and u", () => {
    expect(K.toString(16)).toBe("538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6");
    expect(poolName(POOL)).toBe("AbCdEf123");
    expect(x.toString(16).padStart(64, "0")).toBe(
      "8995879deb751a85aedbbc00117b5b12f17e7817ba578d9636ddf65678669d1c",
    );
    expect(v.toString(16).padStart(768, "0").slice(0, 32)).toBe("635863db029963dc1fb08959a576031d");
    expect(start.srpA.padStart(768, "0").slice(0, 32)).toBe("d8d07c3a4392705118797fb5fdbe0de8");
    expect(challenge.kind).toBe("ok");
    if (challenge.kind !== "ok") return;
    expect(challenge.srpB.padStart(768, "0").slice(0, 32)).toBe("ef6c553229c1062f04776f86345fb786");
    const u = computeU(BigInt(`0x${start.srpA}`), BigInt(`0x${challenge.srpB}`));
    expect(u.toString(16).padStart(64, "0")).toBe(
      "45463f503dcff93f854ab1eea12faa6c724caa09891bf774a8882ea9b25dee2e",
    );
  });

  it("derives the key and the signature on both sides", () => {
    if (challenge.kind !== "ok") throw new Error(challenge.kind);
    expect(challenge.key.toString("hex")).toBe("16142f90e6397782ad34636987f557f6");
    const input = { start, srpB: challenge.srpB, salt: SALT, identity: ID, password: PASSWORD };
    const ck = clientKey(input);
    expect(ck.kind === "ok" && ck.key.toString("hex")).toBe("16142f90e6397782ad34636987f557f6");
    const sig = clientClaim({ ...input, secretBlock: SECRET_BLOCK, timestamp: TIMESTAMP });
    expect(sig).toBe("ZYCwrZuJD6eVIzJqbzl1c0dXbfDQby95Rm+t6kryBj0=");
    expect(passwordClaim(challenge.key, ID, SECRET_BLOCK, TIMESTAMP).toString("base64")).toBe(sig);
    expect(verifyPasswordClaim(challenge.key, ID, SECRET_BLOCK, TIMESTAMP, sig ?? "")).toBe(true);
  });

  it("refuses the proof when any signed input differs", () => {
    if (challenge.kind !== "ok") throw new Error(challenge.kind);
    const sig = "ZYCwrZuJD6eVIzJqbzl1c0dXbfDQby95Rm+t6kryBj0=";
    const ok = (key: Buffer, id = ID, block = SECRET_BLOCK, ts = TIMESTAMP, s = sig) =>
      verifyPasswordClaim(key, id, block, ts, s);
    expect(ok(challenge.key)).toBe(true);
    expect(ok(challenge.key, userIdentity(POOL, "Alice"))).toBe(false);
    expect(ok(challenge.key, userIdentity("us-east-1_Other", "alice"))).toBe(false);
    expect(ok(challenge.key, ID, "c2VjcmV0LWJsb2NrLWJ5dGVzLWZyb20tc2VydmVS")).toBe(false);
    expect(ok(challenge.key, ID, SECRET_BLOCK, "Tue Sep 5 00:09:41 UTC 2023")).toBe(false);
    expect(ok(challenge.key, ID, SECRET_BLOCK, TIMESTAMP, sig.slice(0, -4))).toBe(false);
    expect(ok(challenge.key, ID, SECRET_BLOCK, TIMESTAMP, "")).toBe(false);
    expect(ok(challenge.key, ID, SECRET_BLOCK, TIMESTAMP, "not base64 at all!")).toBe(false);
    const other = Buffer.from(challenge.key);
    other[0] = (other[0] ?? 0) ^ 1;
    expect(ok(other)).toBe(false);
    const wrong = clientClaim({
      start,
      srpB: challenge.srpB,
      salt: SALT,
      identity: ID,
      password: "P@ssw0rd?",
      secretBlock: SECRET_BLOCK,
      timestamp: TIMESTAMP,
    });
    expect(wrong).not.toBeNull();
    expect(ok(challenge.key, ID, SECRET_BLOCK, TIMESTAMP, wrong ?? "")).toBe(false);
  });
});

describe("PAD and hex", () => {
  it("pads to even length and adds 00 before a high nibble", () => {
    expect(padHex(0x1n)).toBe("01");
    expect(padHex(0x7fn)).toBe("7f");
    expect(padHex(0x80n)).toBe("0080");
    expect(padHex(0xabcn)).toBe("0abc");
    expect(padHex(0x8abcn)).toBe("008abc");
    expect(pad(N).length).toBe(385);
    expect(pad(G)).toEqual(Buffer.from([2]));
  });

  it("parses only hex integers of bounded length", () => {
    expect(parseHexInt("00Ff")).toBe(255n);
    expect(parseHexInt("")).toBeNull();
    expect(parseHexInt("0x12")).toBeNull();
    expect(parseHexInt("12 ")).toBeNull();
    expect(parseHexInt("-1")).toBeNull();
    expect(parseHexInt("1".repeat(5000))).toBeNull();
  });
});

describe("modPow (OpenSSL) against BigInt arithmetic", () => {
  it("agrees for random bases and exponents of every size used", () => {
    for (const bytes of [1, 16, 32, 128, 200, 384]) {
      const base = BigInt(`0x${cryptoRandom.bytes(384).toString("hex")}`) % N;
      const exp = BigInt(`0x${cryptoRandom.bytes(bytes).toString("hex")}`);
      expect(modPow(base, exp)).toBe(naiveModPow(base, exp, N));
    }
  });

  it("handles the values OpenSSL refuses and exponents of 0 and ≥ N", () => {
    expect(modPow(0n, 5n)).toBe(0n);
    expect(modPow(1n, 5n)).toBe(1n);
    expect(modPow(N - 1n, 4n)).toBe(1n);
    expect(modPow(N - 1n, 5n)).toBe(N - 1n);
    expect(modPow(N + 3n, 2n)).toBe(9n);
    expect(modPow(-2n, 3n)).toBe(N - 8n);
    expect(modPow(12345n, 0n)).toBe(1n);
    expect(modPow(3n, N + 5n)).toBe(naiveModPow(3n, N + 5n, N));
    expect(() => modPow(3n, -1n)).toThrow(RangeError);
  });
});

describe("server and client", () => {
  it("agree for random users, and a wrong password fails", () => {
    for (let i = 0; i < 8; i++) {
      const username = cryptoRandom.uuid();
      const password = cryptoRandom.bytes(12).toString("base64");
      const id = userIdentity(POOL, username);
      const stored = createVerifier(cryptoRandom, id, password);
      const start = clientStart(cryptoRandom);
      const c = serverChallenge(cryptoRandom, stored, start.srpA);
      if (c.kind !== "ok") throw new Error(c.kind);
      const block = cryptoRandom.bytes(48).toString("base64");
      const ts = "Wed Jan 1 00:00:00 UTC 2025";
      const input = {
        start,
        srpB: c.srpB,
        salt: stored.salt,
        identity: id,
        timestamp: ts,
        secretBlock: block,
      };
      expect(verifyPasswordClaim(c.key, id, block, ts, clientClaim({ ...input, password }) ?? "")).toBe(true);
      expect(
        verifyPasswordClaim(c.key, id, block, ts, clientClaim({ ...input, password: `${password}x` }) ?? ""),
      ).toBe(false);
    }
  });

  it("refuses A ≡ 0 (mod N) and non-hex A", () => {
    const stored = createVerifier(cryptoRandom, ID, PASSWORD);
    for (const a of ["0", "00", N.toString(16), (2n * N).toString(16), "xyz", ""]) {
      expect(serverChallenge(cryptoRandom, stored, a)).toEqual({ kind: "invalid-a" });
    }
  });

  it("refuses a corrupt stored verifier", () => {
    const start = clientStart(cryptoRandom);
    expect(serverChallenge(cryptoRandom, { salt: "zz", verifier: "12" }, start.srpA).kind).toBe(
      "invalid-verifier",
    );
    expect(serverChallenge(cryptoRandom, { salt: "12", verifier: N.toString(16) }, start.srpA).kind).toBe(
      "invalid-verifier",
    );
  });

  it("the client refuses B ≡ 0 (mod N)", () => {
    const start = clientStart(cryptoRandom);
    expect(clientKey({ start, srpB: N.toString(16), salt: "1", identity: ID, password: "p" }).kind).toBe(
      "invalid-b",
    );
    expect(clientKey({ start, srpB: "0", salt: "1", identity: ID, password: "p" }).kind).toBe("invalid-b");
  });

  it("draws a fresh B each time and never sends the key", () => {
    const stored = createVerifier(cryptoRandom, ID, PASSWORD);
    const start = clientStart(cryptoRandom);
    const c1 = serverChallenge(cryptoRandom, stored, start.srpA);
    const c2 = serverChallenge(cryptoRandom, stored, start.srpA);
    if (c1.kind !== "ok" || c2.kind !== "ok") throw new Error("challenge");
    expect(c1.srpB).not.toBe(c2.srpB);
    expect(c1.key.equals(c2.key)).toBe(false);
  });

  it("skips a b that would give B = 0", () => {
    // A Random whose first draw is zero bytes: b = 0 is refused and another is drawn.
    let calls = 0;
    const random: Random = {
      ...cryptoRandom,
      bytes: (n) => (calls++ === 0 ? Buffer.alloc(n) : cryptoRandom.bytes(n)),
    };
    const c = serverChallenge(
      random,
      createVerifier(cryptoRandom, ID, PASSWORD),
      clientStart(cryptoRandom).srpA,
    );
    expect(c.kind).toBe("ok");
    expect(calls).toBe(2);
  });
});

describe("verifiers", () => {
  it("salt and verifier are unpadded lowercase hex; the salt has 16 bytes of entropy", () => {
    const v = createVerifier(cryptoRandom, ID, PASSWORD);
    expect(v.salt).toMatch(/^[1-9a-f][0-9a-f]{0,31}$/);
    expect(v.verifier).toMatch(/^[1-9a-f][0-9a-f]*$/);
    expect(v.verifier.length).toBeLessThanOrEqual(768);
  });

  it("the same password gives a different salt and verifier each time", () => {
    const a = createVerifier(cryptoRandom, ID, PASSWORD);
    const b = createVerifier(cryptoRandom, ID, PASSWORD);
    expect(a.salt).not.toBe(b.salt);
    expect(a.verifier).not.toBe(b.verifier);
    expect(verifierTag(a)).not.toBe(verifierTag(b));
    expect(verifierTag(a)).toBe(verifierTag({ ...a }));
  });

  it("passwordMatchesVerifier checks a password against the verifier alone", () => {
    const v = createVerifier(cryptoRandom, ID, PASSWORD);
    expect(passwordMatchesVerifier(v, ID, PASSWORD)).toBe(true);
    expect(passwordMatchesVerifier(v, ID, "P@ssw0rd")).toBe(false);
    expect(passwordMatchesVerifier(v, userIdentity(POOL, "bob"), PASSWORD)).toBe(false);
    expect(passwordMatchesVerifier({ salt: v.salt, verifier: "" }, ID, PASSWORD)).toBe(false);
  });

  it("x uses the part of the pool id after the underscore and the UTF-8 password", () => {
    const salt = 0x1234n;
    expect(computeX(salt, userIdentity("eu-west-1_AbCdEf123", "alice"), PASSWORD)).toBe(
      computeX(salt, ID, PASSWORD),
    );
    expect(computeX(salt, ID, "pässwörd")).not.toBe(computeX(salt, ID, "passwort"));
  });
});

describe("simulated SRP users", () => {
  const secret = Buffer.alloc(32, 7);

  it("are stable per pool and name, and differ between them", () => {
    const a = simulatedSrpUser(secret, POOL, "nobody");
    expect(simulatedSrpUser(secret, POOL, "nobody")).toEqual(a);
    expect(simulatedSrpUser(secret, POOL, "nobody2").verifier.salt).not.toBe(a.verifier.salt);
    expect(simulatedSrpUser(secret, "us-east-1_Other", "nobody").userIdForSrp).not.toBe(a.userIdForSrp);
    expect(simulatedSrpUser(Buffer.alloc(32, 8), POOL, "nobody").userIdForSrp).not.toBe(a.userIdForSrp);
    expect(a.userIdForSrp).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.verifier.salt).toMatch(/^[1-9a-f][0-9a-f]{0,31}$/);
  });

  it("give an ordinary-looking challenge that no password answers", () => {
    const sim = simulatedSrpUser(secret, POOL, "nobody");
    const start = clientStart(cryptoRandom);
    const c = serverChallenge(cryptoRandom, sim.verifier, start.srpA);
    if (c.kind !== "ok") throw new Error(c.kind);
    expect(BigInt(`0x${c.srpB}`) < N).toBe(true);
    const id = userIdentity(POOL, sim.userIdForSrp);
    const block = "AAAA";
    const ts = "Wed Jan 1 00:00:00 UTC 2025";
    const sig = clientClaim({
      start,
      srpB: c.srpB,
      salt: sim.verifier.salt,
      identity: id,
      password: "guess",
      secretBlock: block,
      timestamp: ts,
    });
    expect(verifyPasswordClaim(c.key, id, block, ts, sig ?? "")).toBe(false);
  });
});
