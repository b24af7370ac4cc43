// Seeding pools and clients from configuration, with fixed ids and secrets for tests and
// reproducible setups. Idempotent: a seeded pool or client that exists is brought back in
// line with the configuration; nothing else is touched.

import { createHash } from "node:crypto";
import type { ServerConfig } from "./config/config.js";
import { clientSettings } from "./domain/clients.js";
import { newClientSecret, type Random } from "./domain/ids.js";
import { createPoolConfig } from "./domain/pool.js";
import type { Clock } from "./ports/clock.js";
import type { ClientRecord, Store } from "./ports/store/index.js";
import type { CreateUserPoolRequest } from "./protocol/generated/shapes.js";

export interface SeedResult {
  pools: {
    id: string;
    name: string;
    clients: { id: string; name: string; secret: string | null }[];
    /** Made once the operations can run (src/services/adminFixtures.ts). */
    Groups: ServerConfig["seed"]["pools"][number]["Groups"];
    Users: ServerConfig["seed"]["pools"][number]["Users"];
  }[];
}

/**
 * A seed without a fixed id gets one derived from its name, so that restarting on the same
 * database finds the pool (or client) again instead of creating another.
 */
function derived(text: string, alphabet: string, length: number): string {
  const h = createHash("sha256").update(text).digest();
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[(h[i] ?? 0) % alphabet.length];
  return out;
}

export function seededPoolId(region: string, poolName: string): string {
  return `${region}_${derived(`pool\u0000${poolName}`, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", 9)}`;
}

export function seededClientId(poolId: string, clientName: string): string {
  return derived(`client\u0000${poolId}\u0000${clientName}`, "0123456789abcdefghijklmnopqrstuvwxyz", 26);
}

export async function seed(
  config: ServerConfig,
  store: Store,
  clock: Clock,
  random: Random,
): Promise<SeedResult> {
  const result: SeedResult = { pools: [] };
  for (const p of config.seed.pools) {
    const { Id, Clients, PoolName, Groups, Users, ...settings } = p;
    const poolConfig = createPoolConfig({
      PoolName,
      ...(settings as Omit<CreateUserPoolRequest, "PoolName">),
    });
    const id = Id ?? seededPoolId(config.region, PoolName);
    const now = clock.now();
    const seeded: SeedResult["pools"][number] = { id, name: PoolName, clients: [], Groups, Users };
    // Several nodes may start at once on one database and seed the same pool: whoever does
    // not create a row finds it made by another and brings it in line instead.
    await store.transaction(async (tx) => {
      const pool = { id, name: PoolName, config: poolConfig, creationDate: now, lastModifiedDate: now };
      if (!(await tx.pools.createIfAbsent(pool))) {
        const existing = await tx.pools.get(id);
        if (!existing) throw new Error(`seed: pool ${id} could neither be created nor read`);
        await tx.pools.update({ ...existing, name: PoolName, config: poolConfig, lastModifiedDate: now });
      }
      for (const c of Clients) {
        const { ClientId, ClientSecret, ClientName, GenerateSecret, ...rest } = c;
        const clientId = ClientId ?? seededClientId(id, ClientName);
        const record = (current: ClientRecord | undefined): ClientRecord => ({
          clientId,
          poolId: id,
          clientName: ClientName,
          secret:
            ClientSecret ?? current?.secret ?? (GenerateSecret === true ? newClientSecret(random) : null),
          config: clientSettings(rest as Parameters<typeof clientSettings>[0]),
          creationDate: current?.creationDate ?? now,
          lastModifiedDate: now,
        });
        let current = await tx.clients.get(clientId);
        if (!current) {
          const fresh = record(undefined);
          if (await tx.clients.createIfAbsent(fresh)) {
            seeded.clients.push({ id: clientId, name: ClientName, secret: fresh.secret });
            continue;
          }
          current = await tx.clients.get(clientId);
          if (!current) throw new Error(`seed: client ${clientId} could neither be created nor read`);
        }
        if (current.poolId !== id) {
          throw new Error(`seed: client ${clientId} already belongs to pool ${current.poolId}`);
        }
        const next = record(current);
        await tx.clients.update(next);
        seeded.clients.push({ id: clientId, name: ClientName, secret: next.secret });
      }
    });
    result.pools.push(seeded);
  }
  return result;
}
