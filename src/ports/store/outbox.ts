// The outbox: every outgoing message is a row written in the transaction that caused it; a
// dispatcher claims and sends it later, and the dev inbox reads the same rows.

export type MessageStatus = "queued" | "sent" | "failed";

export interface OutboxMessage {
  id: string;
  poolId: string;
  clientId: string | null;
  /** The internal username, or what stands for it in a message that is never kept. */
  username: string;
  medium: "EMAIL" | "SMS";
  attributeName: string;
  destination: string;
  subject: string | null;
  body: string;
  /** The plain code, kept only when the dev inbox is on (dev mode); else null. */
  code: string | null;
  triggerSource: string;
  createdAt: number;
  status: MessageStatus;
  transport: string;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: number;
  sentAt: number | null;
}

export interface MessageFilter {
  userPoolId?: string;
  username?: string;
  destination?: string;
  clientId?: string;
  since?: number;
  status?: MessageStatus;
  limit?: number;
  /** Oldest first unless "desc". */
  order?: "asc" | "desc";
}

/** The outcome of a delivery attempt, as `settle` records it. */
export interface DeliveryOutcome {
  status: MessageStatus;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: number;
  sentAt: number | null;
  transport: string;
  /** Forget the body and the code (production, once they are no longer needed). */
  scrubBody: boolean;
}

/** Told of the messages a transaction enqueued, once it has committed (never if it did not). */
export type OutboxListener = (messages: readonly OutboxMessage[]) => void;

export interface OutboxReads {
  list(filter: MessageFilter): Promise<OutboxMessage[]>;
  get(id: string): Promise<OutboxMessage | undefined>;
}

export interface OutboxRepo extends OutboxReads {
  /** Writes the message; once the transaction commits, the store's outbox listeners hear of it. */
  enqueue(message: OutboxMessage): Promise<void>;
  clear(): Promise<number>;
  /** Deletes sent messages sent before `before` (failed and queued ones stay); returns how many. */
  prune(before: number): Promise<number>;
  /**
   * Atomic: claims up to `limit` queued messages due at `now` for `owner` until `leaseUntil`
   * (a message whose lease lapsed can be claimed again), oldest first. Only a recipient's
   * oldest queued message (per pool, medium and destination) is claimable, so that one
   * recipient's messages are sent in queue order (docs/delivery.md "The outbox").
   */
  claimDue(owner: string, now: number, leaseUntil: number, limit: number): Promise<OutboxMessage[]>;
  /** Records a delivery attempt's outcome and releases the claim. */
  settle(id: string, outcome: DeliveryOutcome): Promise<void>;
  /**
   * `settle` for claimed messages sent at `sentAt` in one statement: each is marked sent with
   * one more attempt, its error cleared, its claim released (and body and code forgotten with
   * `scrubBody`).
   */
  settleSent(ids: readonly string[], sentAt: number, scrubBody: boolean): Promise<void>;
}
