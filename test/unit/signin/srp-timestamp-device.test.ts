// TIMESTAMP (format and strict parsing) and device verifiers (docs/signin-internals.md).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cryptoRandom } from "../../../src/domain/ids.js";
import { clientClaim, clientStart } from "../../../src/domain/srp/client.js";
import { N } from "../../../src/domain/srp/group.js";
import { serverChallenge, verifyPasswordClaim } from "../../../src/domain/srp/server.js";
import { formatTimestamp, parseTimestamp } from "../../../src/domain/srp/timestamp.js";
import {
  createDeviceVerifier,
  deviceIdentity,
  parseDeviceVerifierConfig,
  passwordMatchesVerifier,
} from "../../../src/domain/srp/verifier.js";

describe("TIMESTAMP", () => {
  it("formats like the clients: no zero on the day, zero-padded time", () => {
    expect(formatTimestamp(Date.UTC(2023, 8, 5, 0, 9, 40))).toBe("Tue Sep 5 00:09:40 UTC 2023");
    expect(formatTimestamp(Date.UTC(2018, 8, 25, 22, 10, 4))).toBe("Tue Sep 25 22:10:04 UTC 2018");
    expect(formatTimestamp(Date.UTC(2024, 1, 29, 23, 59, 59, 999))).toBe("Thu Feb 29 23:59:59 UTC 2024");
  });

  it("parses what it formats, for any instant (to the second)", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(9999, 11, 31) }), (ms) => {
        const s = formatTimestamp(ms);
        expect(parseTimestamp(s)).toEqual({ kind: "ok", epochMs: Math.floor(ms / 1000) * 1000 });
      }),
      { numRuns: 500 },
    );
  });

  it("refuses every deviation from the exact format", () => {
    for (const bad of [
      "Tue Sep 05 00:09:40 UTC 2023", // zero-padded day (Cognito refuses it)
      "Wed Sep 5 00:09:40 UTC 2023", // weekday does not match the date
      "Tue Sep 5 0:09:40 UTC 2023",
      "Tue Sep 5 00:9:40 UTC 2023",
      "Tue Sep 5 24:00:00 UTC 2023",
      "Tue Sep 5 00:60:00 UTC 2023",
      "Tue Sep 5 00:00:60 UTC 2023",
      "Tue Sep  5 00:09:40 UTC 2023",
      "tue Sep 5 00:09:40 UTC 2023",
      "Tue SEP 5 00:09:40 UTC 2023",
      "Tuesday Sep 5 00:09:40 UTC 2023",
      "Tue Sep 5 00:09:40 GMT 2023",
      "Tue Sep 5 00:09:40 UTC 23",
      "Tue Sep 5 00:09:40 2023",
      " Tue Sep 5 00:09:40 UTC 2023",
      "Tue Sep 5 00:09:40 UTC 2023 ",
      "Tue Sep 5 00:09:40 UTC 2023\n",
      "Sat Feb 30 00:00:00 UTC 2023", // no such date
      "Fri Sep 31 00:00:00 UTC 2023",
      "Sun Feb 29 00:00:00 UTC 2023", // not a leap year
      "Tue Sep 0 00:09:40 UTC 2023",
      "Sat Jan 1 00:00:00 UTC 0050", // Date.UTC would read it as 1950
      "2023-09-05T00:09:40Z",
      "",
    ]) {
      expect(parseTimestamp(bad), JSON.stringify(bad)).toEqual({ kind: "malformed" });
    }
    expect(parseTimestamp("Thu Feb 29 12:00:00 UTC 2024").kind).toBe("ok");
    expect(parseTimestamp("Fri Dec 31 23:59:59 UTC 9999").kind).toBe("ok");
  });
});

describe("device verifiers", () => {
  const groupKey = "-wt2ha1Zd";
  const deviceKey = "us-west-2_fec070d2-fa88-424a-8ec8-b26d7198eb23";

  it("a verifier made as clients make it parses back, and its device password proves the device", () => {
    const made = createDeviceVerifier(cryptoRandom, groupKey, deviceKey);
    expect(Buffer.from(made.devicePassword, "base64")).toHaveLength(40);
    const parsed = parseDeviceVerifierConfig(made.config);
    if (parsed.kind !== "ok") throw new Error("refused");
    const id = deviceIdentity(groupKey, deviceKey);
    expect(passwordMatchesVerifier(parsed.verifier, id, made.devicePassword)).toBe(true);
    expect(
      passwordMatchesVerifier(
        parsed.verifier,
        deviceIdentity(groupKey, `${deviceKey}0`),
        made.devicePassword,
      ),
    ).toBe(false);
    const start = clientStart(cryptoRandom);
    const c = serverChallenge(cryptoRandom, parsed.verifier, start.srpA);
    if (c.kind !== "ok") throw new Error(c.kind);
    const ts = formatTimestamp(Date.now());
    const sig = clientClaim({
      start,
      srpB: c.srpB,
      salt: parsed.verifier.salt,
      identity: id,
      password: made.devicePassword,
      secretBlock: "QUJD",
      timestamp: ts,
    });
    expect(verifyPasswordClaim(c.key, id, "QUJD", ts, sig ?? "")).toBe(true);
  });

  it("reads standard and URL-safe base64, with or without padding", () => {
    const made = createDeviceVerifier(cryptoRandom, groupKey, deviceKey);
    const unpadded = {
      PasswordVerifier: Buffer.from(made.config.PasswordVerifier, "base64").toString("base64url"),
      Salt: Buffer.from(made.config.Salt, "base64").toString("base64url"),
    };
    expect(parseDeviceVerifierConfig(unpadded)).toEqual(parseDeviceVerifierConfig(made.config));
  });

  it("refuses missing, non-base64, zero and out-of-range values", () => {
    const made = createDeviceVerifier(cryptoRandom, groupKey, deviceKey).config;
    const b64 = (n: bigint) => Buffer.from(n.toString(16).padStart(2, "0"), "hex").toString("base64");
    for (const bad of [
      {},
      { Salt: made.Salt },
      { PasswordVerifier: made.PasswordVerifier },
      { ...made, Salt: "" },
      { ...made, Salt: "not base64!" },
      { ...made, PasswordVerifier: "AA==" },
      { ...made, Salt: "AA==" },
      { ...made, PasswordVerifier: b64(N) },
      { ...made, PasswordVerifier: b64(N + 5n) },
      { ...made, Salt: Buffer.alloc(65, 1).toString("base64") },
    ]) {
      expect(parseDeviceVerifierConfig(bad).kind, JSON.stringify(bad)).toBe("invalid");
    }
  });
});
