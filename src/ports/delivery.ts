// What the operations need from message delivery. Rendering happens in the operations
// (domain/templates.ts); sending happens later, from the outbox, through a transport.
import type { PoolRecord } from "./store.js";

export interface DeliveryPlan {
  /** The transport that will carry the message (e.g. "inbox", "smtp", "ses", "sns", "http-sms"). */
  transport: string;
}

export interface DeliveryGate {
  /**
   * Decides, before any state changes, how a message to `destination` would be delivered;
   * throws CodeDeliveryFailureException (or the Invalid*Role* errors) when it cannot be.
   */
  plan(pool: PoolRecord, medium: "EMAIL" | "SMS", destination: string): DeliveryPlan;
  /** Called after a transaction that queued messages has committed. */
  notify(): void;
}
