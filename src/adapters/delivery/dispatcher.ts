// The outbox dispatcher: claims due messages, hands each to its transport, and records the
// outcome. Transient failures are retried with exponential backoff and jitter up to a bound;
// permanent ones are marked failed with the reason. A claim is a lease: if this process dies
// mid-send, another (or the next start) claims the message again after the lease lapses —
// delivery is at least once, and the message id lets receivers drop duplicates.
import type { Logger } from "pino";
import type { Clock } from "../../ports/clock.js";
import type {
  OutboxMessage,
  DeliveryOutcome as Outcome,
  PoolRecord,
  Store,
} from "../../ports/store/index.js";
import { PermanentDeliveryError, type Transport } from "../../ports/transport.js";
import { logDelivered } from "./gate.js";

/** How long a refresh token's record outlives the token: the longest an access token lives. */
const REFRESH_RECORD_GRACE_MS = 24 * 3_600_000;
/** A device key is kept an hour at least, for the ConfirmDevice that follows its sign-in. */
const UNCONFIRMED_DEVICE_GRACE_MS = 3_600_000;

export interface DispatcherOptions {
  /** Attempts before a message is marked failed. */
  maxAttempts: number;
  /** First retry delay (ms); doubles each attempt, with ±50% jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long a claim lasts (ms). */
  leaseMs: number;
  /** Poll interval when idle (ms): picks up retries and other nodes' abandoned claims. */
  pollMs: number;
  batchSize: number;
  /** Production mode: forget body and code once delivered. */
  scrubDelivered: boolean;
  /** Sent messages older than this are deleted (0 keeps them); expired limit counters too. */
  retentionMs: number;
}

export class OutboxDispatcher {
  readonly #store: Store;
  readonly #transports: ReadonlyMap<string, Transport>;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #deliveredLog: Logger | null;
  readonly #opts: DispatcherOptions;
  readonly #owner: string;
  #timer: NodeJS.Timeout | null = null;
  #due = 0;
  #running: Promise<void> | null = null;
  #again = false;
  #stopped = false;
  #lastHousekeeping = 0;

  constructor(a: {
    store: Store;
    transports: ReadonlyMap<string, Transport>;
    clock: Clock;
    log: Logger;
    /** Dev mode: where each delivered message is printed with its code (gate.ts); else null. */
    deliveredLog?: Logger | null;
    owner: string;
    options: DispatcherOptions;
  }) {
    this.#store = a.store;
    this.#transports = a.transports;
    this.#clock = a.clock;
    this.#log = a.log;
    this.#deliveredLog = a.deliveredLog ?? null;
    this.#owner = a.owner;
    this.#opts = a.options;
  }

  start(): void {
    this.#stopped = false;
    this.notify();
  }

  /** Something was queued: run soon. */
  notify(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#drain()
      .then(() => this.#housekeep())
      .finally(() => {
        this.#running = null;
        if (this.#stopped) return;
        if (this.#again) {
          this.#again = false;
          this.notify();
        } else {
          this.#schedule(this.#opts.pollMs);
        }
      });
  }

  /**
   * Once a minute: deletes sent messages past the retention time, expired limit counters and
   * refresh tokens expired for a day (access tokens refreshed from one live at most a day
   * past it, and their revocation check reads its record), devices never confirmed that no
   * refresh token names (docs/devices.md), so tables the request path writes
   * to stay the size of the recent traffic.
   */
  async #housekeep(): Promise<void> {
    const now = this.#clock.now();
    if (now - this.#lastHousekeeping < 60_000) return;
    this.#lastHousekeeping = now;
    try {
      await this.#store.transaction(async (tx) => {
        if (this.#opts.retentionMs > 0) await tx.outbox.prune(now - this.#opts.retentionMs);
        await tx.limits.prune(now);
        await tx.refreshTokens.prune(now - REFRESH_RECORD_GRACE_MS);
        // Device keys handed out but never confirmed, once no refresh token is bound to them.
        await tx.devices.pruneUnconfirmed(now - UNCONFIRMED_DEVICE_GRACE_MS);
      });
    } catch (e) {
      this.#log.warn({ err: e }, "outbox: housekeeping failed");
    }
  }

  /** Wakes up in `ms` unless a wake-up is already due sooner. */
  #schedule(ms: number): void {
    const due = Date.now() + ms;
    if (this.#timer && this.#due <= due) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#due = due;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.notify();
    }, ms);
    this.#timer.unref();
  }

  async #drain(): Promise<void> {
    for (;;) {
      const now = this.#clock.now();
      let batch: OutboxMessage[];
      try {
        batch = await this.#store.transaction((tx) =>
          tx.outbox.claimDue(this.#owner, now, now + this.#opts.leaseMs, this.#opts.batchSize),
        );
      } catch (e) {
        this.#log.error({ err: e }, "outbox: cannot claim messages");
        return;
      }
      if (batch.length === 0) return;
      // One pool lookup per pool per batch, and one transaction for all the outcomes: under
      // load a batch is large, and per-message reads and commits were what slowed it.
      const pools = new Map<string, Promise<PoolRecord | undefined>>();
      const pool = (id: string) => {
        let p = pools.get(id);
        if (!p) {
          p = this.#store.read.pools.get(id);
          pools.set(id, p);
        }
        return p;
      };
      // At most one message per recipient (claimDue), so sending them side by side never
      // lets one recipient's later message overtake an earlier one.
      const outcomes = await Promise.all(batch.map((m) => this.#deliver(m, pool)));
      try {
        await this.#store.transaction(async (tx) => {
          // The common outcome, sent, in one statement per millisecond of sending rather than
          // one per message.
          const sent = new Map<number, string[]>();
          for (const [id, outcome] of outcomes) {
            if (outcome.status === "sent" && outcome.sentAt !== null) {
              const ids = sent.get(outcome.sentAt);
              if (ids) ids.push(id);
              else sent.set(outcome.sentAt, [id]);
            } else {
              await tx.outbox.settle(id, outcome);
            }
          }
          for (const [at, ids] of sent) await tx.outbox.settleSent(ids, at, this.#opts.scrubDelivered);
        });
      } catch (e) {
        // The leases will lapse and the messages be tried again: at least once.
        this.#log.error({ err: e }, "outbox: cannot record delivery outcomes");
      }
      if (this.#stopped) return;
    }
  }

  async #deliver(
    m: OutboxMessage,
    poolOf: (id: string) => Promise<PoolRecord | undefined>,
  ): Promise<[string, Outcome]> {
    const attempts = m.attempts + 1;
    const transport = this.#transports.get(m.transport);
    let error: unknown = null;
    if (!transport) {
      error = new PermanentDeliveryError(`no transport named "${m.transport}" is configured`);
    } else {
      try {
        const pool = await poolOf(m.poolId);
        await transport.send(m, pool);
      } catch (e) {
        error = e;
      }
    }
    const now = this.#clock.now();
    let outcome: Outcome;
    if (error === null) {
      logDelivered(this.#deliveredLog, m);
      outcome = {
        status: "sent",
        attempts,
        lastError: null,
        nextAttemptAt: now,
        sentAt: now,
        transport: m.transport,
        scrubBody: this.#opts.scrubDelivered,
      };
    } else {
      const reason = failureReason(error, m);
      const permanent = error instanceof PermanentDeliveryError || attempts >= this.#opts.maxAttempts;
      const delay = Math.min(this.#opts.maxDelayMs, this.#opts.baseDelayMs * 2 ** (attempts - 1));
      const jittered = Math.round(delay * (0.5 + Math.random()));
      this.#log.warn(
        { messageId: m.id, transport: m.transport, attempts, permanent, reason },
        "outbox: delivery failed",
      );
      outcome = {
        status: permanent ? "failed" : "queued",
        attempts,
        lastError: reason,
        nextAttemptAt: now + (permanent ? 0 : jittered),
        sentAt: null,
        transport: m.transport,
        // A message that will never be sent needs its code no more than a sent one does.
        scrubBody: permanent && this.#opts.scrubDelivered,
      };
      if (!permanent) this.#schedule(Math.min(jittered, this.#opts.pollMs));
    }
    return [m.id, outcome];
  }

  /** Stops polling and waits for the current round to finish. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running;
  }
}

/**
 * The failure as logged and kept in the outbox. Transports report a status and an error class
 * (adapters/delivery/failures.ts); whatever else an error carries — a custom sender's own
 * message, an unexpected exception — is cut short and loses the message's destination and
 * code, so neither outlives the scrubbed message in a log or a row.
 */
export function failureReason(error: unknown, m: Pick<OutboxMessage, "destination" | "code">): string {
  let reason = (error instanceof Error ? error.message : String(error)).slice(0, 300);
  if (m.destination) reason = reason.split(m.destination).join("[destination]");
  if (m.code) reason = reason.split(m.code).join("******");
  return reason;
}
