// TOTP (RFC 4226 / RFC 6238 vectors), base32 secrets, the lock-out schedule and SECRET_HASH
// over any name of the user (docs/signin-internals.md).
import { describe, expect, it } from "vitest";
import { cryptoRandom } from "../../../src/domain/ids.js";
import {
  checkLockout,
  checkSecretHashAnyName,
  LOCKOUT_MAX_MS,
  type LockoutState,
  lockoutDurationMs,
  NO_FAILURES,
  recordFailure,
  recordSuccess,
} from "../../../src/domain/passwordSignIn.js";
import { computeSecretHash } from "../../../src/domain/secretHash.js";
import {
  base32Decode,
  base32Encode,
  generateTotpSecret,
  hotp,
  totpCode,
  totpStep,
  verifyTotp,
} from "../../../src/domain/totp.js";

const RFC_SHA1 = Buffer.from("12345678901234567890", "ascii");
const RFC_SHA256 = Buffer.from("12345678901234567890123456789012", "ascii");
const RFC_SHA512 = Buffer.from(`${"1234567890".repeat(6)}1234`, "ascii");

describe("HOTP and TOTP", () => {
  it("reproduces RFC 4226 appendix D", () => {
    const expected = [
      "755224",
      "287082",
      "359152",
      "969429",
      "338314",
      "254676",
      "287922",
      "162583",
      "399871",
      "520489",
    ];
    expect(expected.map((_, i) => hotp(RFC_SHA1, i))).toEqual(expected);
  });

  it("reproduces RFC 6238 appendix B (8 digits, SHA-1, SHA-256, SHA-512)", () => {
    const table: [number, string, string, string][] = [
      [59, "94287082", "46119246", "90693936"],
      [1111111109, "07081804", "68084774", "25091201"],
      [1111111111, "14050471", "67062674", "99943326"],
      [1234567890, "89005924", "91819424", "93441116"],
      [2000000000, "69279037", "90698825", "38618901"],
      [20000000000, "65353130", "77737706", "47863826"],
    ];
    for (const [t, sha1, sha256, sha512] of table) {
      expect(totpCode(RFC_SHA1, t * 1000, 8), `t=${t}`).toBe(sha1);
      expect(totpCode(RFC_SHA256, t * 1000, 8, "sha256"), `t=${t}`).toBe(sha256);
      expect(totpCode(RFC_SHA512, t * 1000, 8, "sha512"), `t=${t}`).toBe(sha512);
    }
    // The 6-digit code Cognito's apps show is the same value mod 10^6.
    expect(totpCode(RFC_SHA1, 59_000)).toBe("287082");
  });

  it("accepts the steps before and after the current one, and no further", () => {
    const now = 1_700_000_000_000;
    const step = totpStep(now);
    for (const d of [-1, 0, 1]) {
      expect(verifyTotp(RFC_SHA1, hotp(RFC_SHA1, step + d), now)).toEqual({ kind: "ok", step: step + d });
    }
    for (const d of [-3, -2, 2, 3])
      expect(verifyTotp(RFC_SHA1, hotp(RFC_SHA1, step + d), now).kind).toBe("mismatch");
    expect(verifyTotp(RFC_SHA1, hotp(RFC_SHA1, step + 2), now, { window: 2 }).kind).toBe("ok");
  });

  it("refuses a code from the last used step or an earlier one", () => {
    const now = 1_700_000_000_000;
    const step = totpStep(now);
    const code = hotp(RFC_SHA1, step);
    expect(verifyTotp(RFC_SHA1, code, now, { lastUsedStep: null }).kind).toBe("ok");
    expect(verifyTotp(RFC_SHA1, code, now, { lastUsedStep: step })).toEqual({ kind: "reused", step });
    expect(verifyTotp(RFC_SHA1, hotp(RFC_SHA1, step - 1), now, { lastUsedStep: step }).kind).toBe("reused");
    expect(verifyTotp(RFC_SHA1, hotp(RFC_SHA1, step + 1), now, { lastUsedStep: step }).kind).toBe("ok");
  });

  it("refuses codes that are not six digits, and wrong codes", () => {
    const now = 1_700_000_000_000;
    const code = totpCode(RFC_SHA1, now);
    for (const bad of ["", "12345", "1234567", `${code} `, "abcdef", "１２３４５６"]) {
      expect(verifyTotp(RFC_SHA1, bad, now).kind, bad).toBe("mismatch");
    }
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    const others = [-1, 1].map((d) => hotp(RFC_SHA1, totpStep(now) + d));
    if (!others.includes(wrong)) expect(verifyTotp(RFC_SHA1, wrong, now).kind).toBe("mismatch");
    expect(verifyTotp(Buffer.from("another secret"), code, now).kind).toBe("mismatch");
  });
});

describe("base32 secrets", () => {
  it("encodes RFC 4648 vectors without padding", () => {
    const vectors: [string, string][] = [
      ["", ""],
      ["f", "MY"],
      ["fo", "MZXQ"],
      ["foo", "MZXW6"],
      ["foob", "MZXW6YQ"],
      ["fooba", "MZXW6YTB"],
      ["foobar", "MZXW6YTBOI"],
    ];
    for (const [plain, encoded] of vectors) {
      expect(base32Encode(Buffer.from(plain))).toBe(encoded);
      expect(base32Decode(encoded)).toEqual(Buffer.from(plain));
      expect(base32Decode(encoded.toLowerCase())).toEqual(Buffer.from(plain));
    }
  });

  it("refuses characters outside the alphabet and non-canonical tails", () => {
    for (const bad of ["MY======", "M1", "MZ XQ", "MZ", "M"]) expect(base32Decode(bad), bad).toBeNull();
  });

  it("generates 52-character secrets matching SecretCodeType that round-trip", () => {
    const s = generateTotpSecret(cryptoRandom);
    expect(s).toMatch(/^[A-Z2-7]{52}$/);
    expect(s).toMatch(/^[A-Za-z0-9]{16,}$/);
    expect(base32Decode(s)).toHaveLength(32);
    expect(base32Encode(base32Decode(s) ?? Buffer.alloc(0))).toBe(s);
    expect(generateTotpSecret(cryptoRandom)).not.toBe(s);
  });
});

describe("lock-out schedule", () => {
  const T0 = 1_700_000_000_000;

  function fail(times: number, start = T0, gap = 0): LockoutState {
    let s = NO_FAILURES;
    for (let i = 0; i < times; i++) s = recordFailure(s, start + i * gap);
    return s;
  }

  it("allows five failures, then locks for 2^(n−5) seconds up to 15 minutes", () => {
    expect([1, 2, 3, 4].map(lockoutDurationMs)).toEqual([0, 0, 0, 0]);
    expect([5, 6, 7, 8, 14].map(lockoutDurationMs)).toEqual([1000, 2000, 4000, 8000, 512_000]);
    expect(lockoutDurationMs(15)).toBe(LOCKOUT_MAX_MS);
    expect(lockoutDurationMs(1000)).toBe(LOCKOUT_MAX_MS);
  });

  it("is open through four failures, locked just after the fifth, open when the lock lapses", () => {
    expect(checkLockout(fail(4), T0 + 1).kind).toBe("open");
    const five = fail(5);
    expect(checkLockout(five, T0 + 999)).toEqual({ kind: "locked", until: T0 + 1000 });
    expect(checkLockout(five, T0 + 1000).kind).toBe("open");
    const six = recordFailure(five, T0 + 1000);
    expect(checkLockout(six, T0 + 2999)).toEqual({ kind: "locked", until: T0 + 3000 });
  });

  it("forgets the count after 15 quiet minutes, and on success", () => {
    const s = fail(12, T0, 1);
    expect(checkLockout(s, T0 + 20).kind).toBe("locked");
    const later = T0 + 11 + 15 * 60_000;
    expect(checkLockout(s, later).kind).toBe("open");
    expect(recordFailure(s, later)).toEqual({ failures: 1, lastFailureAt: later });
    expect(recordSuccess()).toEqual(NO_FAILURES);
    expect(checkLockout(NO_FAILURES, T0).kind).toBe("open");
  });
});

describe("SECRET_HASH over any name of the user", () => {
  const secret = "s3cr3tvalueofaclientthatisfiftyonecharacterslong12";
  const client = "3n4b5urk1ft4fl3mg5e62d9ado";
  const names = ["Alice@Example.com", "9f1c2d3e-0000-4000-8000-000000000001"];

  it("accepts a hash over any of the names, and only those", () => {
    for (const n of names) {
      expect(checkSecretHashAnyName(secret, names, client, computeSecretHash(secret, n, client))).toEqual({
        kind: "ok",
      });
    }
    expect(
      checkSecretHashAnyName(secret, names, client, computeSecretHash(secret, "alice@example.com", client))
        .kind,
    ).toBe("mismatch");
    expect(
      checkSecretHashAnyName(secret, names, client, computeSecretHash("other", names[0] ?? "", client)).kind,
    ).toBe("mismatch");
    expect(checkSecretHashAnyName(secret, names, client, undefined).kind).toBe("missing");
    expect(checkSecretHashAnyName(null, names, client, undefined).kind).toBe("ok");
  });
});
