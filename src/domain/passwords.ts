// Password hashing (scrypt, from node:crypto; it runs on libuv's thread pool, off the event
// loop), the gate that bounds how many hashes run and wait, and the pool's password policy
// with Cognito's messages.
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { PasswordPolicyType } from "../protocol/generated/shapes.js";

export interface ScryptCost {
  /** log2 of N. */
  ln: number;
  r: number;
  p: number;
}

/** OWASP's scrypt recommendation (N=2^17, r=8, p=1): the production default. */
export const PRODUCTION_COST: ScryptCost = { ln: 17, r: 8, p: 1 };
/**
 * The dev default: still scrypt and still salted (so stored hashes have the production
 * format and verify the same way), at a cost (N=2^4) that lets a test suite or a burst of
 * sign-ups run at full speed. Never for real passwords: production uses PRODUCTION_COST.
 */
export const DEV_COST: ScryptCost = { ln: 4, r: 8, p: 1 };

const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const N = 2 ** cost.ln;
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize("NFC"),
      salt,
      KEY_LENGTH,
      { N, r: cost.r, p: cost.p, maxmem: 256 * N * cost.r + 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

/**
 * Whether a hash at this cost is expensive: N ≥ 2^13 takes a millisecond or more of a core,
 * so it is worth queueing, worth a cheap check before it, and counts against the caller's
 * allowance. The dev default is not.
 */
export function expensiveCost(cost: ScryptCost): boolean {
  return cost.ln >= 13;
}

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

/** `$scrypt$ln=17,r=8,p=1$<salt>$<hash>` (base64, no padding). */
export async function hashPassword(password: string, cost: ScryptCost): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, cost);
  return `$scrypt$ln=${cost.ln},r=${cost.r},p=${cost.p}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const m = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([\w-]+)\$([\w-]+)$/.exec(encoded);
  if (!m) return false;
  const [, ln, r, p, salt, hash] = m;
  const expected = Buffer.from(hash ?? "", "base64url");
  const key = await derive(password, Buffer.from(salt ?? "", "base64url"), {
    ln: Number(ln),
    r: Number(r),
    p: Number(p),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

// Cognito's accepted special characters (developer guide, "Adding user pool password requirements").
const SYMBOLS = new Set("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ");

/**
 * Cognito words a policy failure with one of two prefixes, by operation: SignUp (and
 * AdminCreateUser's TemporaryPassword) say "did not conform with"; the operations that set a
 * new password for an existing user (ConfirmForgotPassword, NEW_PASSWORD_REQUIRED,
 * ChangePassword, AdminSetUserPassword) say "does not conform to" (docs/admin-users.md).
 */
export const POLICY_PREFIX = {
  newUser: "Password did not conform with policy: ",
  newPassword: "Password does not conform to policy: ",
} as const;

/** The first policy rule the password breaks, as Cognito words it, or null. */
export function passwordPolicyViolation(
  password: string,
  policy: PasswordPolicyType | undefined,
  prefix: string = POLICY_PREFIX.newUser,
): string | null {
  const p = policy ?? {};
  if (password.length < (p.MinimumLength ?? 8)) return `${prefix}Password not long enough`;
  if ((p.RequireUppercase ?? true) && !/[A-Z]/.test(password))
    return `${prefix}Password must have uppercase characters`;
  if ((p.RequireLowercase ?? true) && !/[a-z]/.test(password))
    return `${prefix}Password must have lowercase characters`;
  if ((p.RequireNumbers ?? true) && !/[0-9]/.test(password))
    return `${prefix}Password must have numeric characters`;
  if ((p.RequireSymbols ?? true) && ![...password].some((c) => SYMBOLS.has(c))) {
    return `${prefix}Password must have symbol characters`;
  }
  return null;
}
