// Simulated answers (PreventUserExistenceErrors: ENABLED) must take as long as real ones, or
// the time taken tells which users exist. They do the same work as far as they can — the
// same preamble, lookups, code and message rendering, and a transaction of the same
// statements — but a real answer also writes rows a simulated one must not (a code, a
// message, an auth event), and what those writes cost depends on the engine, the disk and
// the load. So the remainder is measured rather than guessed: each node keeps the recent
// durations of real and of simulated answers per operation and pool, and a simulated answer
// waits for the difference of their medians, when the real ones are slower. Shifting every
// simulated answer by that difference (rather than holding each until the real median has
// passed) keeps the shape of their spread. Only the part of the difference that is surely
// there is waited for — the medians' difference less twice its standard error — because a
// wait can only lengthen: where both kinds are dominated by the same noisy cost, such as a
// disk flush, chasing the noise would make simulated answers the slower ones.
import { performance } from "node:perf_hooks";
import { setTimeout as delay } from "node:timers/promises";

interface Ring {
  values: number[];
  next: number;
}

/** Recent durations kept per key, and how many make a median worth trusting. */
const SAMPLES = 128;
const TRUSTED = 16;
const MAX_KEYS = 10_000;

export class LatencyMirror {
  readonly #rings = new Map<string, Ring>();

  /** A monotonic timestamp (ms) to pass to `record` or `pad`. */
  now(): number {
    return performance.now();
  }

  /** Records how long a real answer of `operation` for `poolId` took since `startedAt`. */
  record(operation: string, poolId: string, startedAt: number): void {
    const ms = performance.now() - startedAt;
    this.#add(`${operation}|${poolId}`, ms);
    this.#add(operation, ms);
  }

  /**
   * How much longer real answers take than simulated ones (medians): the pool's own, else the
   * operation's; 0 when either is unknown yet or the simulated ones are the slower.
   */
  shortfall(operation: string, poolId: string): number {
    const pooled = this.#gap(`${operation}|${poolId}`);
    return Math.max(0, pooled ?? this.#gap(operation) ?? 0);
  }

  /**
   * Called by a simulated answer when its work is done: records how long that took since
   * `startedAt`, then waits for the shortfall.
   */
  async pad(operation: string, poolId: string, startedAt: number): Promise<void> {
    const now = performance.now();
    this.#add(`${operation}|${poolId}|simulated`, now - startedAt);
    this.#add(`${operation}|simulated`, now - startedAt);
    const until = now + this.shortfall(operation, poolId);
    // Timers are coarse (a millisecond or more): sleep the bulk, then yield to the event loop
    // until the moment, so that other requests run meanwhile.
    const bulk = until - performance.now() - 2;
    if (bulk > 0) await delay(bulk);
    while (performance.now() < until) await new Promise<void>((resolve) => setImmediate(resolve));
  }

  #gap(key: string): number | undefined {
    const real = this.#stats(key);
    const simulated = this.#stats(`${key}|simulated`);
    if (!real || !simulated) return undefined;
    return real.median - simulated.median - 2 * Math.hypot(real.error, simulated.error);
  }

  #add(key: string, ms: number): void {
    let ring = this.#rings.get(key);
    if (!ring) {
      if (this.#rings.size >= MAX_KEYS) this.#rings.clear();
      ring = { values: [], next: 0 };
      this.#rings.set(key, ring);
    }
    if (ring.values.length < SAMPLES) ring.values.push(ms);
    else ring.values[ring.next] = ms;
    ring.next = (ring.next + 1) % SAMPLES;
  }

  /** The median of the recent durations and its standard error (from their MAD). */
  #stats(key: string): { median: number; error: number } | undefined {
    const values = this.#rings.get(key)?.values;
    if (!values || values.length < TRUSTED) return undefined;
    const median = medianOf(values);
    const mad = medianOf(values.map((v) => Math.abs(v - median)));
    // σ ≈ 1.4826·MAD for a normal spread; the median's standard error is ≈ 1.2533·σ/√n.
    return { median, error: (1.2533 * 1.4826 * mad) / Math.sqrt(values.length) };
  }
}

function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
