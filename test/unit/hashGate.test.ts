import { describe, expect, it } from "vitest";
import {
  DEV_COST,
  type GateResult,
  HashGate,
  hashPassword,
  verifyPassword,
} from "../../src/domain/passwords.js";

/** A job that runs until released, so a test decides when a slot frees up. */
function held(): { job: () => Promise<string>; release(): void } {
  let release = () => {};
  const done = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { job: () => done.then(() => "held"), release: () => release() };
}

const value = <T>(r: GateResult<T>): T | "busy" => (r.kind === "done" ? r.value : "busy");

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
    expect(results.map(value)).toEqual([5, 1, 3, 2, 4, 1]);
    expect(peak).toBe(2);
    expect(running).toBe(0);
  });

  it("releases its slot when the work fails", async () => {
    const gate = new HashGate(1);
    await expect(gate.run(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    const r = await gate.run(() => hashPassword("Corr3ct-Horse!", DEV_COST));
    const hash = value(r);
    expect(await verifyPassword("Corr3ct-Horse!", hash)).toBe(true);
    expect(await verifyPassword("wrong", hash)).toBe(false);
  });

  it("turns callers away at once when its queue is full", async () => {
    const gate = new HashGate(1, 2);
    const h = held();
    const running = gate.run(h.job);
    const queued = [gate.run(async () => "a"), gate.run(async () => "b")];
    expect(gate.waiting).toBe(2);
    // The queue is full: answered without waiting for the held job.
    expect(await gate.run(async () => "c")).toEqual({ kind: "busy" });
    h.release();
    expect(value(await running)).toBe("held");
    expect((await Promise.all(queued)).map(value)).toEqual(["a", "b"]);
    expect(gate.waiting).toBe(0);
  });

  it("turns a waiter away once it has waited longer than the deadline, and carries on", async () => {
    const gate = new HashGate(1, 10, 30);
    const h = held();
    const running = gate.run(h.job);
    const started = performance.now();
    expect(await gate.run(async () => "late")).toEqual({ kind: "busy" });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(gate.waiting).toBe(0);
    h.release();
    expect(value(await running)).toBe("held");
    expect(value(await gate.run(async () => "next"))).toBe("next");
  });

  it("refuses up front a wait that its recent run times say would pass the deadline", async () => {
    const gate = new HashGate(1, 100, 450);
    // Teach the gate that a run takes about 300 ms.
    await gate.run(() => new Promise((r) => setTimeout(() => r("slow"), 300)));
    const h = held();
    const running = gate.run(h.job);
    // First in line: about 300 ms expected, within the deadline, so it waits.
    const first = gate.run(async () => "first");
    expect(gate.waiting).toBe(1);
    // Second in line: about 600 ms expected: refused without joining the queue.
    expect(await gate.run(async () => "second")).toEqual({ kind: "busy" });
    expect(gate.waiting).toBe(1);
    h.release();
    await running;
    expect(value(await first)).toBe("first");
  });
});
