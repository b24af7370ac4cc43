// SecretHash = Base64(HMAC-SHA256(client secret, Username + ClientId)), docs/behaviour.md "SecretHash".
import { describe, expect, it } from "vitest";
import { checkSecretHash, computeSecretHash } from "../../src/domain/secretHash.js";

const SECRET = "secret";
const CLIENT = "1example23456789";

describe("computeSecretHash", () => {
  it("matches the documented algorithm's test vectors", () => {
    expect(computeSecretHash(SECRET, "alice", CLIENT)).toBe("SRSokfDPYgNH3Tm3eRbqKCsFZg9Ia07+tqRIgXhLH5s=");
    expect(computeSecretHash(SECRET, "jürgen@example.com", CLIENT)).toBe(
      "2hQUPnl+0LL9Fs2qy4kUCYQoObVwfg1PHzmG7sMNOR8=",
    );
  });

  it("depends on every input, the username exactly as typed", () => {
    const base = computeSecretHash(SECRET, "alice", CLIENT);
    expect(computeSecretHash(SECRET, "Alice", CLIENT)).not.toBe(base);
    expect(computeSecretHash("secret2", "alice", CLIENT)).not.toBe(base);
    expect(computeSecretHash(SECRET, "alice", `${CLIENT}x`)).not.toBe(base);
  });
});

describe("checkSecretHash", () => {
  const good = "SRSokfDPYgNH3Tm3eRbqKCsFZg9Ia07+tqRIgXhLH5s=";

  it("accepts the right hash", () => {
    expect(checkSecretHash(SECRET, "alice", CLIENT, good)).toEqual({ kind: "ok" });
  });

  it("reports a missing hash for a client with a secret", () => {
    expect(checkSecretHash(SECRET, "alice", CLIENT, undefined)).toEqual({ kind: "missing" });
  });

  it("reports a wrong hash, whatever its length", () => {
    expect(checkSecretHash(SECRET, "alice", CLIENT, `${good.slice(0, -2)}A=`)).toEqual({ kind: "mismatch" });
    expect(checkSecretHash(SECRET, "alice", CLIENT, "short")).toEqual({ kind: "mismatch" });
    expect(checkSecretHash(SECRET, "alice", CLIENT, `${good}${good}`)).toEqual({ kind: "mismatch" });
    expect(checkSecretHash(SECRET, "alice", CLIENT, "")).toEqual({ kind: "mismatch" });
    // The hash of another username does not do.
    expect(checkSecretHash(SECRET, "bob", CLIENT, good)).toEqual({ kind: "mismatch" });
  });

  it("ignores a hash sent to a client without a secret", () => {
    expect(checkSecretHash(null, "alice", CLIENT, undefined)).toEqual({ kind: "ok" });
    expect(checkSecretHash(null, "alice", CLIENT, "anything")).toEqual({ kind: "ok" });
  });
});
