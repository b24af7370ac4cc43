// Hashing passwords on the request path without letting hashing take the server down: a
// bounded queue with a deadline in front of the thread pool, and each expensive hash counted
// against the caller's per-IP allowance.
import { performance } from "node:perf_hooks";
import { expensiveCost, hashPassword } from "../domain/passwords.js";
import type { Deps } from "../operations/deps.js";
import { fail, messages } from "../protocol/errors.js";

export type GateResult<T> = { kind: "done"; value: T } | { kind: "busy" };

interface Waiter {
  start(): void;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Limits how many hashes run at once. A production-cost hash keeps a core busy for a few
 * hundred milliseconds; libuv's pool would run four at a time and leave the event loop no
 * core, so every other request would slow down behind sign-ups. By default hashing gets all
 * cores but one.
 *
 * Waiting is bounded: a caller is turned away (`busy`) at once when `maxQueued` callers wait
 * already, or when the wait it would face — its place in the queue times the recent hash
 * duration, spread over the running slots — is longer than `maxWaitMs`; and one that is still
 * waiting after `maxWaitMs` leaves the queue `busy`. A flood of hashes therefore costs the
 * others at most that long, instead of growing without limit.
 */
export class HashGate {
  #running = 0;
  readonly #queue: Waiter[] = [];
  /** Recent duration of one run (exponential moving average), ms; 0 until one has run. */
  #averageMs = 0;

  constructor(
    readonly concurrency: number,
    readonly maxQueued = Number.POSITIVE_INFINITY,
    readonly maxWaitMs = Number.POSITIVE_INFINITY,
  ) {}

  /** Callers waiting for a slot now. */
  get waiting(): number {
    return this.#queue.length;
  }

  async run<T>(fn: () => Promise<T>): Promise<GateResult<T>> {
    if (this.#running >= this.concurrency) {
      if (!(await this.#wait())) return { kind: "busy" };
    } else this.#running++;
    const started = performance.now();
    try {
      return { kind: "done", value: await fn() };
    } finally {
      const ms = performance.now() - started;
      this.#averageMs = this.#averageMs === 0 ? ms : this.#averageMs * 0.8 + ms * 0.2;
      const next = this.#queue.shift();
      if (next) next.start();
      else this.#running--;
    }
  }

  /** Resolves true when a slot is handed over, false when the caller must be turned away. */
  #wait(): Promise<boolean> {
    if (this.#queue.length >= this.maxQueued) return Promise.resolve(false);
    const expectedMs = ((this.#queue.length + 1) / this.concurrency) * this.#averageMs;
    if (expectedMs > this.maxWaitMs) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const waiter: Waiter = {
        timer: undefined,
        start: () => {
          clearTimeout(waiter.timer);
          resolve(true);
        },
      };
      if (Number.isFinite(this.maxWaitMs)) {
        waiter.timer = setTimeout(() => {
          const i = this.#queue.indexOf(waiter);
          if (i >= 0) this.#queue.splice(i, 1);
          resolve(false);
        }, this.maxWaitMs);
        waiter.timer.unref();
      }
      this.#queue.push(waiter);
    });
  }
}

/**
 * Hashes a password a public operation is about to store. An expensive hash first takes
 * `limits.ipHashCost` more tokens from the caller's per-IP allowance (the request itself took
 * one), then waits its turn at the gate; either refusal is TooManyRequestsException.
 */
export async function hashNewPassword(
  deps: Pick<Deps, "passwordCost" | "hashGate" | "ipLimiter" | "config">,
  sourceIp: string,
  password: string,
): Promise<string> {
  if (expensiveCost(deps.passwordCost) && !deps.ipLimiter.charge(sourceIp, deps.config.limits.ipHashCost)) {
    fail("TooManyRequestsException", messages.tooManyRequests);
  }
  const r = await deps.hashGate.run(() => hashPassword(password, deps.passwordCost));
  if (r.kind === "busy") fail("TooManyRequestsException", messages.tooManyRequests);
  return r.value;
}
