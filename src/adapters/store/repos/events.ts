// SQL of the auth events.
import type { AuthEventRecord, AuthEventRepo } from "../../../ports/store/index.js";
import { prepared, type Target } from "../prepared.js";
import { num } from "./rows.js";

const eventInsert = prepared(
  11,
  (
    db,
    _e,
    id: string,
    pool_id: string,
    username: string,
    client_id: string | null,
    event_type: string,
    created_at: number,
    ip_address: string | null,
    encoded_data: string | null,
    analytics_endpoint_id: string | null,
    user_agent: string | null,
    event_response: string | null,
  ) =>
    db.insertInto("auth_events").values({
      id,
      pool_id,
      username,
      client_id,
      event_type,
      created_at,
      ip_address,
      encoded_data,
      analytics_endpoint_id,
      user_agent,
      event_response,
    }),
);

export class SqlEvents implements AuthEventRepo {
  readonly #t: Target;
  constructor(t: Target) {
    this.#t = t;
  }

  async add(e: AuthEventRecord): Promise<void> {
    await eventInsert.run(
      this.#t,
      e.id,
      e.poolId,
      e.username,
      e.clientId,
      e.eventType,
      e.createdAt,
      e.ipAddress,
      e.encodedData,
      e.analyticsEndpointId,
      e.userAgent,
      e.eventResponse ?? null,
    );
  }

  async listForUser(poolId: string, username: string, limit: number): Promise<AuthEventRecord[]> {
    const rows = await this.#t.db
      .selectFrom("auth_events")
      .selectAll()
      .where("pool_id", "=", poolId)
      .where("username", "=", username)
      .orderBy("created_at", "desc")
      .limit(limit)
      .execute();
    return rows.map((r) => {
      const e: AuthEventRecord = {
        id: r.id,
        poolId: r.pool_id,
        username: r.username,
        clientId: r.client_id,
        eventType: r.event_type,
        createdAt: num(r.created_at),
        ipAddress: r.ip_address,
        encodedData: r.encoded_data,
        analyticsEndpointId: r.analytics_endpoint_id,
        userAgent: r.user_agent,
      };
      const response = r.event_response;
      if (response === "Pass" || response === "Fail" || response === "InProgress") e.eventResponse = response;
      return e;
    });
  }
}
