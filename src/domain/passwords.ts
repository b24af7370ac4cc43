// Password hashing (scrypt, from node:crypto; it runs on libuv's thread pool, off the event
// loop) and the pool's password policy with Cognito's messages.
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
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
 * Limits how many hashes run at once. A production-cost hash keeps a core busy for a few
 * hundred milliseconds; libuv's pool would run four at a time and leave the event loop no
 * core, so every other request would slow down behind sign-ups. By default hashing gets all
 * cores but one.
 */
export class HashGate {
  #running = 0;
  readonly #queue: (() => void)[] = [];
  constructor(readonly concurrency: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#running >= this.concurrency) await new Promise<void>((resolve) => this.#queue.push(resolve));
    else this.#running++;
    try {
      return await fn();
    } finally {
      const next = this.#queue.shift();
      if (next) next();
      else this.#running--;
    }
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

/** The first policy rule the password breaks, as Cognito words it, or null. */
export function passwordPolicyViolation(
  password: string,
  policy: PasswordPolicyType | undefined,
): string | null {
  const p = policy ?? {};
  const prefix = "Password did not conform with policy: ";
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
