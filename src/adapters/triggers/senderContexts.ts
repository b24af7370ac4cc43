// The in-memory hand-off between a request that queued a custom sender message and the
// outbox delivery that invokes the sender (ports/triggers.ts SenderContext). ClientMetadata
// is never stored, so it can only travel this way; it is lost if the process restarts before
// delivery or another node delivers the message (the event then has clientMetadata null).
// Bounded in size and age so that messages whose transaction never committed, or that are
// never delivered, do not hold memory.
import type { SenderContext } from "../../ports/triggers.js";

export class SenderContexts {
  readonly #entries = new Map<string, { context: SenderContext; at: number }>();
  readonly #maxEntries: number;
  readonly #maxAgeMs: number;

  constructor(maxEntries = 10_000, maxAgeMs = 60 * 60_000) {
    this.#maxEntries = maxEntries;
    this.#maxAgeMs = maxAgeMs;
  }

  hold(messageId: string, context: SenderContext): void {
    const now = Date.now();
    // Oldest first (Map keeps insertion order): drop what is too old or over the bound.
    for (const [id, e] of this.#entries) {
      if (this.#entries.size < this.#maxEntries && now - e.at <= this.#maxAgeMs) break;
      this.#entries.delete(id);
    }
    this.#entries.set(messageId, { context, at: now });
  }

  get(messageId: string): SenderContext | undefined {
    const e = this.#entries.get(messageId);
    if (!e) return undefined;
    if (Date.now() - e.at > this.#maxAgeMs) {
      this.#entries.delete(messageId);
      return undefined;
    }
    return e.context;
  }

  release(messageId: string): void {
    this.#entries.delete(messageId);
  }
}
