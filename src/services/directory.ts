// Cached lookups of pools and app clients, the configuration every request reads.
//
// Entries live `configCacheSeconds` (default 1 s): a change made through this node is seen
// at once (writers call `forget`), a change made through another node within that bound.

import type { Clock } from "../ports/clock.js";
import type { ClientRecord, PoolRecord, Store } from "../ports/store/index.js";
import { fail, messages } from "../protocol/errors.js";

interface Entry<T> {
  value: T | undefined;
  until: number;
}

export class Directory {
  readonly #pools = new Map<string, Entry<PoolRecord>>();
  readonly #clients = new Map<string, Entry<ClientRecord>>();
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #ttlMs: number;

  constructor(store: Store, clock: Clock, ttlSeconds: number) {
    this.#store = store;
    this.#clock = clock;
    this.#ttlMs = ttlSeconds * 1000;
  }

  async #cached<T>(
    map: Map<string, Entry<T>>,
    key: string,
    load: () => Promise<T | undefined>,
  ): Promise<T | undefined> {
    const now = this.#clock.now();
    const hit = map.get(key);
    if (hit && hit.until > now) return hit.value;
    const value = await load();
    if (this.#ttlMs > 0) {
      if (map.size > 10_000) map.clear();
      map.set(key, { value, until: now + this.#ttlMs });
    }
    return value;
  }

  findPool(poolId: string): Promise<PoolRecord | undefined> {
    return this.#cached(this.#pools, poolId, () => this.#store.read.pools.get(poolId));
  }

  findClient(clientId: string): Promise<ClientRecord | undefined> {
    return this.#cached(this.#clients, clientId, () => this.#store.read.clients.get(clientId));
  }

  /** The pool, or ResourceNotFoundException. */
  async pool(poolId: string): Promise<PoolRecord> {
    const pool = await this.findPool(poolId);
    if (!pool) fail("ResourceNotFoundException", messages.poolNotFound(poolId));
    return pool;
  }

  /** The app client and its pool (public operations), or ResourceNotFoundException. */
  async client(clientId: string): Promise<{ client: ClientRecord; pool: PoolRecord }> {
    const client = await this.findClient(clientId);
    if (!client) fail("ResourceNotFoundException", messages.clientNotFound(clientId));
    const pool = await this.findPool(client.poolId);
    if (!pool) fail("ResourceNotFoundException", messages.clientNotFound(clientId));
    return { client, pool };
  }

  forgetPool(poolId: string): void {
    this.#pools.delete(poolId);
    // Clients of a deleted pool must not linger either.
    for (const [id, e] of this.#clients) if (e.value?.poolId === poolId) this.#clients.delete(id);
  }

  forgetClient(clientId: string): void {
    this.#clients.delete(clientId);
  }
}
