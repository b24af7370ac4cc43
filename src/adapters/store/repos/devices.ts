// SQL of users' devices (migration 0011).
import type { Selectable } from "kysely";
import type { StoredVerifier } from "../../../domain/srp/verifier.js";
import { asUsername, type Username } from "../../../domain/usernames.js";
import type { DeviceRecord, DeviceRememberedStatus, DeviceRepo } from "../../../ports/store/index.js";
import type { Target } from "../prepared.js";
import type { DevicesTable } from "../schema.js";
import { num, numOrNull } from "./rows.js";

function toDevice(r: Selectable<DevicesTable>): DeviceRecord {
  return {
    poolId: r.pool_id,
    deviceKey: r.device_key,
    username: asUsername(r.username),
    groupKey: r.group_key,
    verifier:
      r.srp_salt !== null && r.srp_verifier !== null ? { salt: r.srp_salt, verifier: r.srp_verifier } : null,
    name: r.name,
    status: r.status as DeviceRememberedStatus,
    createdAt: num(r.created_at),
    modifiedAt: num(r.modified_at),
    lastAuthenticatedAt: numOrNull(r.last_authenticated_at),
    lastIp: r.last_ip,
  };
}

export class SqlDevices implements DeviceRepo {
  readonly #t: Target;
  constructor(t: Target) {
    this.#t = t;
  }

  async get(poolId: string, deviceKey: string): Promise<DeviceRecord | undefined> {
    const r = await this.#t.db
      .selectFrom("devices")
      .selectAll()
      .where("pool_id", "=", poolId)
      .where("device_key", "=", deviceKey)
      .executeTakeFirst();
    return r && toDevice(r);
  }

  async listConfirmed(
    poolId: string,
    username: Username,
    limit: number,
    after: string | null,
  ): Promise<DeviceRecord[]> {
    let q = this.#t.db
      .selectFrom("devices")
      .selectAll()
      .where("pool_id", "=", poolId)
      .where("username", "=", username)
      .where("srp_verifier", "is not", null)
      .orderBy("device_key")
      .limit(limit);
    if (after !== null) q = q.where("device_key", ">", after);
    return (await q.execute()).map(toDevice);
  }

  async createIfAbsent(d: DeviceRecord): Promise<boolean> {
    const r = await this.#t.db
      .insertInto("devices")
      .values({
        pool_id: d.poolId,
        device_key: d.deviceKey,
        username: d.username,
        group_key: d.groupKey,
        srp_salt: d.verifier?.salt ?? null,
        srp_verifier: d.verifier?.verifier ?? null,
        name: d.name,
        status: d.status,
        created_at: d.createdAt,
        modified_at: d.modifiedAt,
        last_authenticated_at: d.lastAuthenticatedAt,
        last_ip: d.lastIp,
      })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return (r.numInsertedOrUpdatedRows ?? 0n) > 0n;
  }

  async confirm(
    poolId: string,
    deviceKey: string,
    c: {
      verifier: StoredVerifier;
      name: string | null;
      status: DeviceRememberedStatus;
      now: number;
      ip: string | null;
    },
  ): Promise<boolean> {
    const r = await this.#t.db
      .updateTable("devices")
      .set({
        srp_salt: c.verifier.salt,
        srp_verifier: c.verifier.verifier,
        name: c.name,
        status: c.status,
        modified_at: c.now,
        last_ip: c.ip,
      })
      .where("pool_id", "=", poolId)
      .where("device_key", "=", deviceKey)
      .where("srp_verifier", "is", null)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  async setStatus(
    poolId: string,
    deviceKey: string,
    status: DeviceRememberedStatus,
    now: number,
  ): Promise<boolean> {
    const r = await this.#t.db
      .updateTable("devices")
      .set({ status, modified_at: now })
      .where("pool_id", "=", poolId)
      .where("device_key", "=", deviceKey)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  async touch(poolId: string, deviceKey: string, now: number, ip: string | null): Promise<boolean> {
    const r = await this.#t.db
      .updateTable("devices")
      .set({ last_authenticated_at: now, last_ip: ip })
      .where("pool_id", "=", poolId)
      .where("device_key", "=", deviceKey)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  async pruneUnconfirmed(before: number): Promise<number> {
    const r = await this.#t.db
      .deleteFrom("devices")
      .where("srp_verifier", "is", null)
      .where("created_at", "<", before)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom("refresh_tokens")
              .select("refresh_tokens.id")
              .whereRef("refresh_tokens.pool_id", "=", "devices.pool_id")
              .whereRef("refresh_tokens.device_key", "=", "devices.device_key"),
          ),
        ),
      )
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async delete(poolId: string, deviceKey: string): Promise<boolean> {
    const r = await this.#t.db
      .deleteFrom("devices")
      .where("pool_id", "=", poolId)
      .where("device_key", "=", deviceKey)
      .executeTakeFirst();
    return r.numDeletedRows > 0n;
  }
}
