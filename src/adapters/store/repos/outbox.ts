// SQL of the outbox.
import { CompiledQuery, type Selectable } from "kysely";
import type {
  DeliveryOutcome,
  MessageFilter,
  MessageStatus,
  OutboxMessage,
  OutboxRepo,
} from "../../../ports/store/index.js";
import { prepared, type Target } from "../prepared.js";
import type { OutboxTable } from "../schema.js";
import { BULK_ROWS, num, numOrNull } from "./rows.js";

export function toMessage(r: Selectable<OutboxTable>): OutboxMessage {
  return {
    id: r.id,
    poolId: r.pool_id,
    clientId: r.client_id,
    username: r.username,
    medium: r.medium as "EMAIL" | "SMS",
    attributeName: r.attribute_name,
    destination: r.destination,
    subject: r.subject,
    body: r.body,
    code: r.code,
    triggerSource: r.trigger_source,
    createdAt: num(r.created_at),
    status: r.status as MessageStatus,
    transport: r.transport,
    attempts: num(r.attempts),
    lastError: r.last_error,
    nextAttemptAt: num(r.next_attempt_at),
    sentAt: numOrNull(r.sent_at),
  };
}

const outboxInsert = prepared(
  18,
  (
    db,
    _e,
    id: string,
    pool_id: string,
    client_id: string | null,
    username: string,
    medium: string,
    attribute_name: string,
    destination: string,
    subject: string | null,
    body: string,
    code: string | null,
    trigger_source: string,
    created_at: number,
    status: string,
    transport: string,
    attempts: number,
    last_error: string | null,
    next_attempt_at: number,
    sent_at: number | null,
  ) =>
    db.insertInto("outbox").values({
      id,
      pool_id,
      client_id,
      username,
      medium,
      attribute_name,
      destination,
      subject,
      body,
      code,
      trigger_source,
      created_at,
      status,
      transport,
      attempts,
      last_error,
      next_attempt_at,
      sent_at,
      claimed_by: null,
      claimed_until: null,
    }),
);

/**
 * SQLite's claim (see claimDue): its planner would rather range-scan outbox_due and sort every
 * due message, so INDEXED BY makes it walk the queue in order and stop at the limit.
 * Parameters: owner, lease end, now, now, limit. test/unit/outbox-claim-plan.test.ts checks
 * the plan.
 */
export const SQLITE_CLAIM_SQL = `UPDATE outbox SET claimed_by = ?, claimed_until = ?
WHERE seq IN (
  SELECT o.seq FROM outbox AS o INDEXED BY outbox_queued_seq
  WHERE o.status = 'queued' AND o.next_attempt_at <= ? AND (o.claimed_until IS NULL OR o.claimed_until < ?)
    AND NOT EXISTS (
      SELECT 1 FROM outbox AS p INDEXED BY outbox_queued_by_recipient
      WHERE p.status = 'queued' AND p.pool_id = o.pool_id AND p.medium = o.medium
        AND p.destination = o.destination AND p.seq < o.seq)
  ORDER BY o.seq LIMIT ?)
RETURNING *`;

export class SqlOutbox implements OutboxRepo {
  readonly #t: Target;
  readonly #enqueued: (m: OutboxMessage) => void;
  /** @param enqueued told of each message written, for after the commit (sqlStore.ts). */
  constructor(t: Target, enqueued: (m: OutboxMessage) => void) {
    this.#t = t;
    this.#enqueued = enqueued;
  }

  async enqueue(m: OutboxMessage): Promise<void> {
    await outboxInsert.run(
      this.#t,
      m.id,
      m.poolId,
      m.clientId,
      m.username,
      m.medium,
      m.attributeName,
      m.destination,
      m.subject,
      m.body,
      m.code,
      m.triggerSource,
      m.createdAt,
      m.status,
      m.transport,
      m.attempts,
      m.lastError,
      m.nextAttemptAt,
      m.sentAt,
    );
    this.#enqueued(m);
  }

  async list(f: MessageFilter): Promise<OutboxMessage[]> {
    let q = this.#t.db
      .selectFrom("outbox")
      .selectAll()
      .orderBy("seq", f.order === "desc" ? "desc" : "asc");
    if (f.userPoolId !== undefined) q = q.where("pool_id", "=", f.userPoolId);
    if (f.username !== undefined) {
      const u = f.username;
      q = q.where((eb) => eb.or([eb("username", "=", u), eb("destination", "=", u)]));
    }
    if (f.destination !== undefined) q = q.where("destination", "=", f.destination);
    if (f.clientId !== undefined) q = q.where("client_id", "=", f.clientId);
    if (f.since !== undefined) q = q.where("created_at", ">=", f.since);
    if (f.status !== undefined) q = q.where("status", "=", f.status);
    if (f.limit !== undefined) q = q.limit(f.limit);
    return (await q.execute()).map(toMessage);
  }

  async get(id: string): Promise<OutboxMessage | undefined> {
    const r = await this.#t.db.selectFrom("outbox").selectAll().where("id", "=", id).executeTakeFirst();
    return r && toMessage(r);
  }

  async prune(before: number): Promise<number> {
    const r = await this.#t.db
      .deleteFrom("outbox")
      .where("status", "=", "sent")
      .where("sent_at", "<", before)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async clear(): Promise<number> {
    const r = await this.#t.db.deleteFrom("outbox").executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async claimDue(owner: string, now: number, leaseUntil: number, limit: number): Promise<OutboxMessage[]> {
    const db = this.#t.db;
    // One recipient's messages go out in the order they were queued: only the oldest unsent
    // message of each (pool, medium, destination) can be claimed, so a later one waits until
    // the earlier one is sent or has failed for good, wherever it is being sent from. A batch
    // therefore holds at most one message per recipient and can be sent all at once.
    //
    // Candidates are read oldest first and each is kept only when no earlier message of its
    // recipient is still queued: both by index (migration 0013), so a claim costs its batch
    // size, not the length of the queue.
    if (this.#t.engine === "sqlite") {
      const r = await db.executeQuery<Selectable<OutboxTable>>(
        CompiledQuery.raw(SQLITE_CLAIM_SQL, [owner, leaseUntil, now, now, limit]),
      );
      return r.rows.map(toMessage).sort((a, b) => a.createdAt - b.createdAt);
    }
    const due = db
      .selectFrom("outbox as o")
      .select("o.seq")
      .where("o.status", "=", "queued")
      .where("o.next_attempt_at", "<=", now)
      .where((eb) => eb.or([eb("o.claimed_until", "is", null), eb("o.claimed_until", "<", now)]))
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom("outbox as p")
              .select("p.seq")
              .where("p.status", "=", "queued")
              .whereRef("p.pool_id", "=", "o.pool_id")
              .whereRef("p.medium", "=", "o.medium")
              .whereRef("p.destination", "=", "o.destination")
              .whereRef("p.seq", "<", "o.seq"),
          ),
        ),
      )
      .orderBy("o.seq")
      .limit(limit)
      // Nodes sharing a PostgreSQL database claim disjoint batches.
      .forUpdate()
      .skipLocked();
    const rows = await db
      .updateTable("outbox")
      .set({ claimed_by: owner, claimed_until: leaseUntil })
      .where("seq", "in", due)
      .returningAll()
      .execute();
    return rows.map(toMessage).sort((a, b) => a.createdAt - b.createdAt);
  }

  async settleSent(ids: readonly string[], sentAt: number, scrubBody: boolean): Promise<void> {
    for (let i = 0; i < ids.length; i += BULK_ROWS) {
      await this.#t.db
        .updateTable("outbox")
        .set((eb) => ({
          status: "sent",
          attempts: eb("attempts", "+", 1),
          last_error: null,
          next_attempt_at: sentAt,
          sent_at: sentAt,
          claimed_by: null,
          claimed_until: null,
          ...(scrubBody ? { body: "", code: null } : {}),
        }))
        .where("id", "in", ids.slice(i, i + BULK_ROWS))
        .execute();
    }
  }

  async settle(id: string, o: DeliveryOutcome): Promise<void> {
    await this.#t.db
      .updateTable("outbox")
      .set({
        status: o.status,
        attempts: o.attempts,
        last_error: o.lastError,
        next_attempt_at: o.nextAttemptAt,
        sent_at: o.sentAt,
        transport: o.transport,
        claimed_by: null,
        claimed_until: null,
        ...(o.scrubBody ? { body: "", code: null } : {}),
      })
      .where("id", "=", id)
      .execute();
  }
}
