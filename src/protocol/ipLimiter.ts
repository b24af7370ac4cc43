// Per-source-IP admission control for the unauthenticated operations (SignUp, ConfirmSignUp,
// ResendConfirmationCode, …): a token bucket per address, in this process's memory.
//
// It is per node on purpose: it exists to stop one address from flooding one server, costs no
// store round trip, and needs no coordination. The quota that must hold across nodes — the
// per-pool request rate — is counted in the store (src/services/publicRequest.ts).
//
// Work that costs far more than a request (an expensive password hash) is charged on top, so
// one address cannot spend the server's hashing capacity at the price of plain requests.
//
// Behind a reverse proxy every request comes from the proxy's address; then either raise the
// rate or turn this off (0) and limit at the proxy.
import type { Clock } from "../ports/clock.js";
import type { PublicLimiter } from "./dispatch.js";

interface Bucket {
  tokens: number;
  at: number;
}

export class IpRateLimiter implements PublicLimiter {
  readonly #rate: number;
  readonly #burst: number;
  readonly #clock: Clock;
  readonly #max: number;
  readonly #buckets = new Map<string, Bucket>();

  /**
   * @param ratePerSecond tokens added per second (sustained requests per second)
   * @param burst bucket size (requests one address may send at once)
   * @param maxTracked addresses remembered at most; beyond that full buckets are forgotten first
   */
  constructor(ratePerSecond: number, burst: number, clock: Clock, maxTracked = 100_000) {
    this.#rate = ratePerSecond;
    this.#burst = Math.max(1, burst);
    this.#clock = clock;
    this.#max = maxTracked;
  }

  allow(sourceIp: string): boolean {
    // Every door counts, the confirmation-link page included; a socket that reports no
    // address (already closed) shares the bucket of "" rather than escaping the limit.
    const b = this.#bucket(sourceIp);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /**
   * Takes `tokens` more from the address for costly work its request is about to do. Allowed
   * while the bucket is not in debt; the charge may leave it in debt (at most `tokens`), which
   * later requests wait out. So a costly call is never refused outright to an address in good
   * standing, whatever the burst size, yet costs it as much as `tokens` requests.
   */
  charge(sourceIp: string, tokens: number): boolean {
    const b = this.#bucket(sourceIp);
    if (b.tokens < 0) return false;
    b.tokens -= tokens;
    return true;
  }

  #bucket(sourceIp: string): Bucket {
    const now = this.#clock.now();
    let b = this.#buckets.get(sourceIp);
    if (b) {
      b.tokens = Math.min(this.#burst, b.tokens + ((now - b.at) / 1000) * this.#rate);
      b.at = now;
    } else {
      if (this.#buckets.size >= this.#max) this.#sweep(now);
      b = { tokens: this.#burst, at: now };
      this.#buckets.set(sourceIp, b);
    }
    return b;
  }

  /** Forgets addresses whose bucket has refilled (they would start full anyway). */
  #sweep(now: number): void {
    for (const [ip, b] of this.#buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.#rate >= this.#burst) this.#buckets.delete(ip);
    }
    // Under a flood of distinct addresses nothing has refilled: start over rather than grow.
    if (this.#buckets.size >= this.#max) this.#buckets.clear();
  }

  /** Addresses currently tracked (tests). */
  get size(): number {
    return this.#buckets.size;
  }
}
