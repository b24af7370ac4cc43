// The plan of an attribute change (src/domain/attributeChanges.ts): what becomes of the
// attributes, the pending values and the verification codes.
import { describe, expect, it } from "vitest";
import { planAttributeChange } from "../../src/domain/attributeChanges.js";
import type { AttributeEdit, Writer } from "../../src/domain/attributeEdits.js";
import type { PoolConfig } from "../../src/domain/pool.js";
import { asUsername } from "../../src/domain/usernames.js";
import type { PendingAttributeRecord, UserRecord } from "../../src/ports/store/index.js";

const ADMIN: Writer = { kind: "admin" };
const USER: Writer = { kind: "user", writeAttributes: undefined };
const AUTO: PoolConfig = { AutoVerifiedAttributes: ["email"] };
const KEEP: PoolConfig = {
  AutoVerifiedAttributes: ["email"],
  UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ["email"] },
};

function user(attributes: Record<string, string>): UserRecord {
  return {
    poolId: "p",
    username: asUsername("u"),
    sub: "s",
    status: "CONFIRMED",
    enabled: true,
    attributes,
    passwordHash: null,
    srp: null,
    passwordChangedAt: null,
    createdAt: 0,
    updatedAt: 0,
  };
}
const edit = (e: Record<string, string | null>): AttributeEdit => new Map(Object.entries(e));
const pending = (value: string): PendingAttributeRecord[] => [
  { poolId: "p", username: asUsername("u"), name: "email", value, createdAt: 0 },
];
const verified = user({ email: "a@x.com", email_verified: "true" });

describe("planAttributeChange", () => {
  it("a changed email replaces the old one, unverified, with a code to the new value", () => {
    const p = planAttributeChange(AUTO, verified, [], edit({ email: "b@x.com" }), USER);
    expect(p.attributes).toEqual({ email: "b@x.com", email_verified: "false" });
    expect(p.codes).toEqual([{ medium: "EMAIL", attributeName: "email", destination: "b@x.com" }]);
    expect(p.pendingPut).toEqual([]);
  });

  it("without auto-verification no code, and the old code dies", () => {
    const p = planAttributeChange({}, verified, [], edit({ email: "b@x.com" }), USER);
    expect(p.codes).toEqual([]);
    expect(p.codesDelete).toEqual(["email"]);
  });

  it("the same value changes nothing", () => {
    const p = planAttributeChange(AUTO, verified, [], edit({ email: "a@x.com" }), USER);
    expect(p).toEqual({
      attributes: verified.attributes,
      pendingPut: [],
      pendingDelete: [],
      codes: [],
      codesDelete: [],
    });
  });

  it("keep-original pools hold the new value pending, and send it the code", () => {
    const p = planAttributeChange(KEEP, verified, [], edit({ email: "b@x.com" }), USER);
    expect(p.attributes).toEqual(verified.attributes);
    expect(p.pendingPut).toEqual([{ name: "email", value: "b@x.com" }]);
    expect(p.codes[0]?.destination).toBe("b@x.com");
    // Nothing verified to keep: applied at once.
    const unverified = user({ email: "a@x.com", email_verified: "false" });
    expect(planAttributeChange(KEEP, unverified, [], edit({ email: "b@x.com" }), USER).pendingPut).toEqual(
      [],
    );
    // Back to the value in force: the pending change is given up.
    const back = planAttributeChange(KEEP, verified, pending("b@x.com"), edit({ email: "a@x.com" }), USER);
    expect(back.pendingDelete).toEqual(["email"]);
    expect(back.codes).toEqual([]);
  });

  it("an administrator's verified flag applies at once, or applies the pending value", () => {
    const p = planAttributeChange(
      KEEP,
      verified,
      [],
      edit({ email: "b@x.com", email_verified: "true" }),
      ADMIN,
    );
    expect(p.attributes).toEqual({ email: "b@x.com", email_verified: "true" });
    expect(p.codes).toEqual([]);
    const q = planAttributeChange(
      KEEP,
      verified,
      pending("c@x.com"),
      edit({ email_verified: "true" }),
      ADMIN,
    );
    expect(q.attributes).toEqual({ email: "c@x.com", email_verified: "true" });
    expect(q.pendingDelete).toEqual(["email"]);
    // A user's flag is never read (attributeEdits refuses it before).
    const r = planAttributeChange(
      AUTO,
      user({ email: "a@x.com", email_verified: "false" }),
      [],
      edit({ email_verified: "true" }),
      USER,
    );
    expect(r.attributes.email_verified).toBe("false");
  });

  it("a removed email takes its flag, pending value and code with it; other attributes are set or removed", () => {
    const p = planAttributeChange(
      KEEP,
      user({ email: "a@x.com", email_verified: "true", name: "A" }),
      pending("b@x.com"),
      edit({ email: null, name: null, locale: "de" }),
      ADMIN,
    );
    expect(p.attributes).toEqual({ locale: "de" });
    expect(p.pendingDelete).toEqual(["email"]);
    expect(p.codesDelete).toEqual(["email"]);
  });
});
