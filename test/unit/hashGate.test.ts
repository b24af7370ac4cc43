import { describe, expect, it } from "vitest";
import { DEV_COST, HashGate, hashPassword, verifyPassword } from "../../src/domain/passwords.js";

describe("HashGate", () => {
  it("never runs more than its concurrency at once, and runs everything", async () => {
    const gate = new HashGate(2);
    let running = 0;
    let peak = 0;
    const job = (ms: number) =>
      gate.run(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, ms));
        running--;
        return ms;
      });
    const results = await Promise.all([5, 1, 3, 2, 4, 1].map(job));
    expect(results).toEqual([5, 1, 3, 2, 4, 1]);
    expect(peak).toBe(2);
    expect(running).toBe(0);
  });

  it("releases its slot when the work fails", async () => {
    const gate = new HashGate(1);
    await expect(gate.run(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    const hash = await gate.run(() => hashPassword("Corr3ct-Horse!", DEV_COST));
    expect(await verifyPassword("Corr3ct-Horse!", hash)).toBe(true);
    expect(await verifyPassword("wrong", hash)).toBe(false);
  });
});
