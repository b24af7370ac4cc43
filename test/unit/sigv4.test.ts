// Unit checks of the pieces around SigV4 verification and the per-IP limiter; the wire
// behaviour itself is tested end to end in test/e2e/sigv4.test.ts and security.test.ts.
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/ports/clock.js";
import { IpRateLimiter } from "../../src/protocol/ipLimiter.js";
import { cachedLookup, formatAmzDate, parseAmzDate, parseAuthorization } from "../../src/protocol/sigv4.js";

describe("parseAuthorization", () => {
  it("reads the three parts, with or without spaces after the commas", () => {
    for (const sep of [", ", ","]) {
      const a = parseAuthorization(
        `AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/cognito-idp/aws4_request${sep}SignedHeaders=content-type;host;x-amz-date${sep}Signature=${"ab".repeat(32)}`,
      );
      expect(a).toEqual({
        accessKeyId: "AKID",
        scopeDate: "20260101",
        scopeRegion: "us-east-1",
        scopeService: "cognito-idp",
        signedHeaders: ["content-type", "host", "x-amz-date"],
        signature: "ab".repeat(32),
      });
    }
  });

  it("refuses other algorithms, missing parts and malformed scopes with IncompleteSignatureException", () => {
    const cases = [
      "AWS4-HMAC-SHA512 Credential=a/b/c/d/aws4_request, SignedHeaders=host, Signature=00",
      "AWS4-HMAC-SHA256",
      "AWS4-HMAC-SHA256 Credential=a/b/c/d/aws4_request",
      "AWS4-HMAC-SHA256 Credential=a/b/c/aws4_request, SignedHeaders=host, Signature=00",
      "AWS4-HMAC-SHA256 Credential=a/b/c/d/aws5_request, SignedHeaders=host, Signature=00",
      "AWS4-HMAC-SHA256 Credential=//c/d/aws4_request, SignedHeaders=host, Signature=00",
    ];
    for (const c of cases)
      expect(() => parseAuthorization(c)).toThrow(
        expect.objectContaining({ type: "IncompleteSignatureException" }),
      );
  });
});

describe("X-Amz-Date", () => {
  it("parses the basic ISO 8601 form and round-trips", () => {
    const t = parseAmzDate("20260227T235959Z");
    expect(t).toBe(Date.UTC(2026, 1, 27, 23, 59, 59));
    expect(formatAmzDate(t as number)).toBe("20260227T235959Z");
  });
  it("refuses impossible or differently written dates", () => {
    for (const v of [
      "20260230T000000Z",
      "20261301T000000Z",
      "20260101T240000Z",
      "2026-01-01T00:00:00Z",
      "20260101T000000",
      "",
    ]) {
      expect(parseAmzDate(v)).toBeNull();
    }
  });
});

describe("cachedLookup", () => {
  it("serves from the cache within the TTL and reads again after it", async () => {
    const clock = new ManualClock(0);
    let reads = 0;
    let secret: string | undefined = "s1";
    const lookup = cachedLookup(
      async () => {
        reads++;
        return secret;
      },
      1000,
      clock,
    );
    expect(await lookup("k")).toBe("s1");
    secret = undefined; // revoked
    expect(await lookup("k")).toBe("s1");
    expect(reads).toBe(1);
    clock.advance(1001);
    expect(await lookup("k")).toBeUndefined();
    expect(reads).toBe(2);
  });
});

describe("IpRateLimiter", () => {
  it("allows the burst, then the rate; each address on its own", () => {
    const clock = new ManualClock(0);
    const l = new IpRateLimiter(2, 3, clock);
    expect([1, 2, 3, 4].map(() => l.allow("10.0.0.1"))).toEqual([true, true, true, false]);
    expect(l.allow("10.0.0.2")).toBe(true);
    clock.advance(500); // one token at 2 per second
    expect([l.allow("10.0.0.1"), l.allow("10.0.0.1")]).toEqual([true, false]);
    clock.advance(60_000); // refills up to the burst, not beyond
    expect([1, 2, 3, 4].map(() => l.allow("10.0.0.1"))).toEqual([true, true, true, false]);
  });

  it("limits a caller without an address like any other (no door escapes the limit)", () => {
    const l = new IpRateLimiter(1, 1, new ManualClock(0));
    expect([l.allow(""), l.allow(""), l.allow("")]).toEqual([true, false, false]);
  });

  it("stays bounded under a flood of distinct addresses", () => {
    const clock = new ManualClock(0);
    const l = new IpRateLimiter(1, 1, clock, 1000);
    for (let i = 0; i < 10_000; i++) l.allow(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
    expect(l.size).toBeLessThanOrEqual(1000);
    clock.advance(5000);
    l.allow("192.0.2.1");
    expect(l.size).toBeLessThanOrEqual(1000);
  });
});
