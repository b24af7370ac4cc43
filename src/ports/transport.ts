// A transport carries one rendered message to its destination. Transports never render;
// they get the outbox row as it was committed.
import type { OutboxMessage, PoolRecord } from "./store/index.js";

/** A failure worth retrying later (network down, 4xx throttling, 5xx). */
export class TransientDeliveryError extends Error {
  override readonly name = "TransientDeliveryError";
}

/** A failure that retrying will not fix (rejected address, bad credentials). */
export class PermanentDeliveryError extends Error {
  override readonly name = "PermanentDeliveryError";
}

export interface Transport {
  readonly name: string;
  /** Delivers the message; throws a Transient/PermanentDeliveryError (other errors count as transient). */
  send(message: OutboxMessage, pool: PoolRecord | undefined): Promise<void>;
  close?(): Promise<void>;
}
