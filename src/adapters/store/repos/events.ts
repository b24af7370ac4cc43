// SQL of the auth events.
import type { Selectable } from "kysely";
import type {
  AuthEventCursor,
  AuthEventFeedback,
  AuthEventRecord,
  AuthEventRepo,
  ChallengeStep,
} from "../../../ports/store/index.js";
import { prepared, type Target } from "../prepared.js";
import type { AuthEventsTable } from "../schema.js";
import { num } from "./rows.js";

function toEvent(r: Selectable<AuthEventsTable>): AuthEventRecord {
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
  const steps = challengeSteps(r.challenge_responses);
  if (steps !== null) e.challengeResponses = steps;
  if (r.feedback_value !== null && r.feedback_provider !== null && r.feedback_date !== null) {
    e.feedback = {
      value: r.feedback_value as AuthEventFeedback["value"],
      provider: r.feedback_provider,
      date: num(r.feedback_date),
    };
  }
  return e;
}

/** The stored steps, or null when there are none or they do not read as steps. */
function challengeSteps(json: string | null): ChallengeStep[] | null {
  if (json === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed)) return null;
  const steps: ChallengeStep[] = [];
  for (const x of parsed as unknown[]) {
    const { name, response } = (x ?? {}) as Record<string, unknown>;
    if ((name === "Password" || name === "Mfa") && (response === "Success" || response === "Failure")) {
      steps.push({ name, response });
    }
  }
  return steps;
}

const eventInsert = prepared(
  12,
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
    challenge_responses: string | null,
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
      challenge_responses,
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
      e.challengeResponses === undefined ? null : JSON.stringify(e.challengeResponses),
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
    return rows.map(toEvent);
  }

  async pageForUser(
    poolId: string,
    username: string,
    q: { types: readonly string[]; since: number; before: AuthEventCursor | null; limit: number },
  ): Promise<AuthEventRecord[]> {
    if (q.types.length === 0) return [];
    let sel = this.#t.db
      .selectFrom("auth_events")
      .selectAll()
      .where("pool_id", "=", poolId)
      .where("username", "=", username)
      .where("event_type", "in", [...q.types])
      .where("created_at", ">=", q.since)
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(q.limit);
    const before = q.before;
    if (before !== null) {
      sel = sel.where((eb) =>
        eb.or([
          eb("created_at", "<", before.createdAt),
          eb.and([eb("created_at", "=", before.createdAt), eb("id", "<", before.id)]),
        ]),
      );
    }
    return (await sel.execute()).map(toEvent);
  }

  async get(poolId: string, username: string, id: string): Promise<AuthEventRecord | undefined> {
    const r = await this.#t.db
      .selectFrom("auth_events")
      .selectAll()
      .where("pool_id", "=", poolId)
      .where("username", "=", username)
      .where("id", "=", id)
      .executeTakeFirst();
    return r && toEvent(r);
  }

  async setFeedback(poolId: string, username: string, id: string, f: AuthEventFeedback): Promise<boolean> {
    const r = await this.#t.db
      .updateTable("auth_events")
      .set({ feedback_value: f.value, feedback_provider: f.provider, feedback_date: f.date })
      .where("pool_id", "=", poolId)
      .where("username", "=", username)
      .where("id", "=", id)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }
}
