// Temporary passwords: generated ones satisfy any policy; their validity window.
import { describe, expect, it } from "vitest";
import { cryptoRandom } from "../../src/domain/ids.js";
import { passwordPolicyViolation } from "../../src/domain/passwords.js";
import type { PoolConfig } from "../../src/domain/pool.js";
import {
  generateTemporaryPassword,
  temporaryPasswordExpired,
  temporaryPasswordValidityDays,
} from "../../src/domain/temporaryPassword.js";
import type { UserRecord } from "../../src/ports/store/index.js";

const DAY = 86_400_000;

function pool(policy: Record<string, unknown>, admin: Record<string, unknown> = {}): PoolConfig {
  return { Policies: { PasswordPolicy: policy }, AdminCreateUserConfig: admin } as PoolConfig;
}

function user(status: string, passwordChangedAt: number | null): UserRecord {
  return { status, passwordChangedAt } as unknown as UserRecord;
}

describe("temporary passwords", () => {
  it("generates passwords that meet the policy, long as it asks, and differ", () => {
    const policies = [
      {},
      { MinimumLength: 6, RequireSymbols: false },
      {
        MinimumLength: 40,
        RequireUppercase: true,
        RequireLowercase: true,
        RequireNumbers: true,
        RequireSymbols: true,
      },
    ];
    for (const p of policies) {
      const seen = new Set<string>();
      for (let i = 0; i < 200; i++) {
        const pw = generateTemporaryPassword(cryptoRandom, pool(p));
        expect(passwordPolicyViolation(pw, pool(p).Policies?.PasswordPolicy)).toBeNull();
        expect(pw.length).toBeGreaterThanOrEqual(Math.max(12, Number(p.MinimumLength ?? 8)));
        expect(pw).toMatch(/^[A-Za-z2-9!#$%*+\-.=?@^_~]+$/);
        seen.add(pw);
      }
      expect(seen.size).toBe(200);
    }
  });

  it("lasts TemporaryPasswordValidityDays (0 or absent: 7; else the legacy setting)", () => {
    expect(temporaryPasswordValidityDays(pool({}))).toBe(7);
    expect(temporaryPasswordValidityDays(pool({ TemporaryPasswordValidityDays: 0 }))).toBe(7);
    expect(temporaryPasswordValidityDays(pool({ TemporaryPasswordValidityDays: 2 }))).toBe(2);
    expect(temporaryPasswordValidityDays(pool({}, { UnusedAccountValidityDays: 3 }))).toBe(3);
    const p = pool({ TemporaryPasswordValidityDays: 2 });
    const set = 1_000_000;
    expect(temporaryPasswordExpired(user("FORCE_CHANGE_PASSWORD", set), p, set + 2 * DAY - 1)).toBe(false);
    expect(temporaryPasswordExpired(user("FORCE_CHANGE_PASSWORD", set), p, set + 2 * DAY)).toBe(true);
    // Only a temporary password expires.
    expect(temporaryPasswordExpired(user("CONFIRMED", set), p, set + 30 * DAY)).toBe(false);
  });
});
