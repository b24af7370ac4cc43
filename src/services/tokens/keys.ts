// Each node's view of the pools' signing keys (docs/signin.md, "Signing keys"): loaded from the
// store once, then served from memory for `ttlMs`, so that signing and checking tokens read no
// store on the request path. Another node's new key reaches this one within the TTL; a token
// signed with a key this node has not loaded yet (an unknown kid) makes it look again, at most
// once per `missMs` per pool, so forged kids cannot turn every request into a store read.
//
// A pool's first keys are made on first use (its first sign-in), not at pool creation: an RSA
// key pair takes most of a second. Making one is insert-if-absent per (pool, use,
// generation): of nodes racing to make a pool's first keys, one wins and all sign with it.
import type { CryptoKey } from "jose";
import type { Claims } from "../../domain/tokens/claims.js";
import {
  generateSigningKey,
  type JwksKey,
  type KeyRing,
  type KeyUse,
  loadKeyRing,
  loadSigner,
  renderJwks,
  type Signer,
} from "../../domain/tokens/keys.js";
import type { Clock } from "../../ports/clock.js";
import type { Store, StoredSigningKey } from "../../ports/store/index.js";

/**
 * How long a retired key stays in the JWKS: the longest an ID or access token can live
 * (one day, UserPoolClientType's upper bound), so no token it signed outlives its listing —
 * plus a margin for the nodes that keep signing with it until their cached key set expires
 * (`ttlMs`: configCacheSeconds, at least 1 s) after a rotation made elsewhere.
 */
export const RETIRED_KEY_LISTED_MS = 24 * 3_600_000 + 10 * 60_000;

const USES: readonly KeyUse[] = ["id", "access"];

/** Verified access tokens kept per node (a few MB at most); the oldest go first. */
const MAX_VERIFIED = 10_000;

interface PoolKeys {
  /** The signing key of each use, or null when the pool has none of that use yet. */
  current: Record<KeyUse, StoredSigningKey | null>;
  /** Every key whose tokens may still be alive, public part. */
  published: StoredSigningKey[];
  ring: KeyRing;
  until: number;
}

export interface SigningKeysOptions {
  /** How long a loaded key set is used before it is read again (default 30 s). */
  ttlMs?: number;
  /** A pool without keys yet is read again after this long (default 1 s). */
  emptyTtlMs?: number;
  /** Least time between two reloads caused by unknown kids, per pool (default 1 s). */
  missMs?: number;
}

export interface SignerPair {
  id: Signer;
  access: Signer;
}

export class SigningKeys {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #emptyTtlMs: number;
  readonly #missMs: number;
  readonly #pools = new Map<string, PoolKeys>();
  readonly #loading = new Map<string, Promise<PoolKeys>>();
  readonly #creating = new Map<string, Promise<void>>();
  readonly #lastMiss = new Map<string, number>();
  /** Access tokens whose signature and claims checked out, with their claims (verify.ts). */
  readonly #verified = new Map<string, Claims>();
  /** Imported keys by kid: importing a PEM costs more than a verification. */
  readonly #signers = new Map<string, Signer>();
  readonly #publicKeys = new Map<string, CryptoKey>();

  constructor(store: Store, clock: Clock, options: SigningKeysOptions = {}) {
    this.#store = store;
    this.#clock = clock;
    this.#ttlMs = options.ttlMs ?? 30_000;
    this.#emptyTtlMs = options.emptyTtlMs ?? 1_000;
    this.#missMs = options.missMs ?? 1_000;
  }

  /** The keys that sign the pool's ID and access tokens now, made if the pool has none. */
  async signers(poolId: string): Promise<SignerPair> {
    let keys = await this.#get(poolId);
    if (keys.current.id === null || keys.current.access === null) {
      await this.#create(poolId);
      keys = await this.#reload(poolId);
    }
    const { id, access } = keys.current;
    if (id === null || access === null) throw new Error(`no signing keys for ${poolId} after creating them`);
    const [idSigner, accessSigner] = await Promise.all([this.#signer(id), this.#signer(access)]);
    return { id: idSigner, access: accessSigner };
  }

  /**
   * The public keys that check the pool's tokens. When `kid` is given and not among them,
   * the store is read again first (rate-limited): another node may have made or rotated a key.
   */
  async ring(poolId: string, kid?: string): Promise<KeyRing> {
    const keys = await this.#get(poolId);
    if (kid === undefined || keys.ring.has(kid)) return keys.ring;
    const now = this.#clock.now();
    const last = this.#lastMiss.get(poolId);
    if (last !== undefined && now - last < this.#missMs) return keys.ring;
    if (this.#lastMiss.size > 10_000) this.#lastMiss.clear();
    this.#lastMiss.set(poolId, now);
    return (await this.#reload(poolId)).ring;
  }

  /** The pool's JWKS document: every key whose tokens may still be alive. */
  async jwks(poolId: string): Promise<{ keys: JwksKey[] }> {
    return renderJwks((await this.#get(poolId)).published);
  }

  /**
   * The claims of an access token this node has already verified (signature, issuer, use),
   * or undefined. Clients send the same token for its whole life; the RSA check then runs once
   * per token and node instead of once per request. Expiry, scope, revocation and the user are
   * still judged on every request.
   */
  verifiedClaims(token: string): Claims | undefined {
    return this.#verified.get(token);
  }

  rememberVerified(token: string, claims: Claims): void {
    if (this.#verified.size >= MAX_VERIFIED) {
      const oldest = this.#verified.keys().next();
      if (!oldest.done) this.#verified.delete(oldest.value);
    }
    this.#verified.set(token, claims);
  }

  /** Drops what this node holds of the pool (after a rotation through this node). */
  forget(poolId: string): void {
    this.#pools.delete(poolId);
  }

  async #get(poolId: string): Promise<PoolKeys> {
    const hit = this.#pools.get(poolId);
    if (hit && hit.until > this.#clock.now()) return hit;
    return this.#reload(poolId);
  }

  /** Reads the pool's keys from the store; concurrent callers share one read. */
  #reload(poolId: string): Promise<PoolKeys> {
    const pending = this.#loading.get(poolId);
    if (pending) return pending;
    const p = this.#load(poolId).finally(() => this.#loading.delete(poolId));
    this.#loading.set(poolId, p);
    return p;
  }

  async #load(poolId: string): Promise<PoolKeys> {
    const all = await this.#store.read.signingKeys.listForPool(poolId);
    const now = this.#clock.now();
    const current: Record<KeyUse, StoredSigningKey | null> = { id: null, access: null };
    for (const k of all) {
      const c = current[k.use];
      if (k.retiredAt === null && (c === null || k.generation > c.generation)) current[k.use] = k;
    }
    const published = all.filter((k) => k.retiredAt === null || k.retiredAt + RETIRED_KEY_LISTED_MS > now);
    const ring = new Map<string, CryptoKey>();
    const missing = published.filter((k) => !this.#publicKeys.has(k.kid));
    if (missing.length > 0)
      for (const [kid, key] of await loadKeyRing(missing)) this.#publicKeys.set(kid, key);
    for (const k of published) {
      const key = this.#publicKeys.get(k.kid);
      if (key) ring.set(k.kid, key);
    }
    const empty = current.id === null || current.access === null;
    const keys: PoolKeys = {
      current,
      published,
      ring,
      until: now + (empty ? this.#emptyTtlMs : this.#ttlMs),
    };
    if (this.#pools.size > 10_000) this.#pools.clear();
    this.#pools.set(poolId, keys);
    return keys;
  }

  async #signer(k: StoredSigningKey): Promise<Signer> {
    let s = this.#signers.get(k.kid);
    if (!s) {
      s = await loadSigner(k);
      if (this.#signers.size > 10_000) this.#signers.clear();
      this.#signers.set(k.kid, s);
    }
    return s;
  }

  /** Makes the pool's missing keys; one attempt at a time per pool on this node. */
  #create(poolId: string): Promise<void> {
    const pending = this.#creating.get(poolId);
    if (pending) return pending;
    const p = this.#makeKeys(poolId).finally(() => this.#creating.delete(poolId));
    this.#creating.set(poolId, p);
    return p;
  }

  async #makeKeys(poolId: string): Promise<void> {
    const all = await this.#store.read.signingKeys.listForPool(poolId);
    const missing = USES.filter((use) => !all.some((k) => k.use === use && k.retiredAt === null));
    // Generated outside any transaction (it takes a while; both at once, off the event loop);
    // the insert decides which node's key the pool keeps.
    const made = await Promise.all(missing.map((use) => generateSigningKey(use)));
    await this.#store.transaction(async (tx) => {
      for (const m of made) {
        const generation = Math.max(0, ...all.filter((k) => k.use === m.use).map((k) => k.generation)) + 1;
        await tx.signingKeys.insertIfAbsent({
          poolId,
          kid: m.kid,
          use: m.use,
          generation,
          publicJwk: m.publicJwk,
          privatePkcs8: m.privatePkcs8,
          createdAt: this.#clock.now(),
          retiredAt: null,
        });
      }
    });
  }
}

export interface RotatedKeys {
  /** The new keys, by use, that sign from now on. */
  added: { use: KeyUse; kid: string; generation: number }[];
  /** The keys they replace: retired now, still listed in the JWKS for RETIRED_KEY_LISTED_MS. */
  retired: { use: KeyUse; kid: string }[];
}

/**
 * Signing-key rotation (`cognate signing-keys rotate`): a new ID key and a new access key for
 * the pool, the next generation of each; the keys they replace are retired at once but stay
 * in the JWKS until every token they signed has expired. Nodes sign with the new keys once
 * their cached key set expires (`ttlMs`), and accept tokens signed with them at once (an
 * unknown kid makes a node read the store again). `null` when another rotation of the same
 * pool committed first (nothing is changed; run it again).
 */
export async function rotateSigningKeys(
  store: Store,
  clock: Clock,
  poolId: string,
): Promise<RotatedKeys | null> {
  const all = await store.read.signingKeys.listForPool(poolId);
  const made = await Promise.all(USES.map((use) => generateSigningKey(use)));
  const now = clock.now();
  const lost = Symbol("lost");
  const rotation = store.transaction(async (tx) => {
    const result: RotatedKeys = { added: [], retired: [] };
    for (const m of made) {
      const series = all.filter((k) => k.use === m.use);
      const generation = Math.max(0, ...series.map((k) => k.generation)) + 1;
      const inserted = await tx.signingKeys.insertIfAbsent({
        poolId,
        kid: m.kid,
        use: m.use,
        generation,
        publicJwk: m.publicJwk,
        privatePkcs8: m.privatePkcs8,
        createdAt: now,
        retiredAt: null,
      });
      // Another rotation took this generation: roll back, both uses or neither.
      if (!inserted) throw lost;
      result.added.push({ use: m.use, kid: m.kid, generation });
      for (const old of series.filter((k) => k.retiredAt === null)) {
        if (await tx.signingKeys.retire(poolId, old.kid, now))
          result.retired.push({ use: old.use, kid: old.kid });
      }
    }
    return result;
  });
  return rotation.catch((e: unknown) => {
    if (e === lost) return null;
    throw e;
  });
}
