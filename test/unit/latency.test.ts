import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { LatencyMirror } from "../../src/services/latency.js";

/** A start time `ms` ago, so that a call made now records a duration of `ms`. */
const ago = (ms: number) => performance.now() - ms;

describe("LatencyMirror", () => {
  it("waits for nothing until it has seen enough of both kinds", async () => {
    const m = new LatencyMirror();
    for (let i = 0; i < 10; i++) m.record("Op", "pool", ago(50));
    expect(m.shortfall("Op", "pool")).toBe(0);
    const t = performance.now();
    await m.pad("Op", "pool", ago(1));
    expect(performance.now() - t).toBeLessThan(40);
  });

  it("lets simulated answers wait for what real ones take longer", async () => {
    const m = new LatencyMirror();
    for (let i = 0; i < 32; i++) {
      m.record("Op", "pool", ago(20 + (i % 3) * 0.1));
      await m.pad("Op", "pool", ago(5 + (i % 3) * 0.1));
    }
    // About 15 ms (less a small allowance for noise).
    expect(m.shortfall("Op", "pool")).toBeGreaterThan(13);
    expect(m.shortfall("Op", "pool")).toBeLessThanOrEqual(15.05);
    const t = performance.now();
    await m.pad("Op", "pool", t);
    expect(performance.now() - t).toBeGreaterThanOrEqual(13);
    // Another pool without samples of its own borrows the operation's.
    expect(m.shortfall("Op", "other")).toBeGreaterThan(13);
    expect(m.shortfall("Other", "pool")).toBe(0);
  });

  it("does not chase noise: equal but spread durations make no wait", async () => {
    const m = new LatencyMirror();
    // The same spread for both kinds, in a different order.
    const spread = (i: number) => 5 + ((i * 37) % 40);
    for (let i = 0; i < 64; i++) {
      m.record("Op", "pool", ago(spread(i)));
      m.record("Op", "pool", ago(spread(i + 11)));
    }
    // Simulated answers that are as slow as the real ones wait for nothing.
    for (let i = 0; i < 32; i++) await m.pad("Op", "pool", ago(spread(i + 5)));
    expect(m.shortfall("Op", "pool")).toBe(0);
  });
});
