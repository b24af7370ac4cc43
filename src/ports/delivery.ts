// What the operations need from message delivery. Rendering happens in the operations
// (domain/templates.ts); sending happens later, from the outbox, through a transport.
import type { PoolRecord } from "./store/index.js";

export interface DeliveryPlan {
  /** The transport that will carry the message (e.g. "inbox", "smtp", "ses", "sns", "http-sms"). */
  transport: string;
  /**
   * Recording the message is its delivery (the dev inbox): the outbox row is written as sent,
   * and no dispatcher round trip follows.
   */
  recordOnly: boolean;
}

export interface DeliveryGate {
  /**
   * Decides, before any state changes, how a message to `destination` would be delivered;
   * throws CodeDeliveryFailureException (or the Invalid*Role* errors) when it cannot be.
   */
  plan(pool: PoolRecord, medium: "EMAIL" | "SMS", destination: string): DeliveryPlan;
}
