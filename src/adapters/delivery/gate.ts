// Chooses the transport for a message before anything is written, so a message that cannot
// be delivered fails the request (CodeDeliveryFailureException, or the Invalid*Role* errors
// for the pool configuration faults they name) instead of being queued.
import type { Logger } from "pino";
import type { DeliveryGate, DeliveryPlan } from "../../ports/delivery.js";
import type { OutboxMessage, PoolRecord } from "../../ports/store/index.js";
import { inboxTransport } from "./inbox.js";
import { type DeliverySettings, emailRoute, smsRoute } from "./policy.js";

export class TransportGate implements DeliveryGate {
  readonly #settings: DeliverySettings;
  readonly #wake: () => void;
  readonly #log: Logger | null;
  /**
   * @param log where dev mode prints each recorded message with its code (docs/dev-inbox.md: the
   *   developer sees the code in the terminal); null in production.
   */
  constructor(settings: DeliverySettings, wake: () => void, log: Logger | null = null) {
    this.#settings = settings;
    this.#wake = wake;
    this.#log = log;
  }
  plan(pool: PoolRecord, medium: "EMAIL" | "SMS", destination: string): DeliveryPlan {
    const route =
      medium === "EMAIL" ? emailRoute(pool, this.#settings) : smsRoute(pool, destination, this.#settings);
    return { transport: route.transport, recordOnly: route.transport === inboxTransport.name };
  }
  /**
   * The messages a transaction enqueued, once it has committed: the store calls this itself
   * (main.ts registers it with `store.onMessagesCommitted`), so no operation can forget it.
   */
  committed(messages: readonly OutboxMessage[]): void {
    let queued = false;
    for (const m of messages) {
      if (m.status === "queued") queued = true;
      else if (m.status === "sent") logDelivered(this.#log, m);
    }
    if (queued) this.#wake();
  }
}

/** The dev-mode terminal line for a delivered message (never called in production). */
export function logDelivered(log: Logger | null, m: OutboxMessage): void {
  if (!log) return;
  log.info(
    { messageId: m.id, userPoolId: m.poolId, username: m.username, destination: m.destination, code: m.code },
    `${m.medium} for ${m.username} to ${m.destination}${m.code ? ` — code ${m.code}` : ""}`,
  );
}
