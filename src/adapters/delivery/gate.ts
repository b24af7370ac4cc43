// Chooses the transport for a message before anything is written, so a message that cannot
// be delivered fails the request (CodeDeliveryFailureException) instead of being queued.

import type { DeliveryGate, DeliveryPlan } from "../../ports/delivery.js";
import type { PoolRecord } from "../../ports/store.js";
import { fail } from "../../protocol/errors.js";

export interface GateOptions {
  /** Transport for email on pools using COGNITO_DEFAULT (or when nothing else applies). */
  email: string | null;
  /** Transport for SMS. */
  sms: string | null;
}

export class TransportGate implements DeliveryGate {
  readonly #opts: GateOptions;
  readonly #wake: () => void;
  constructor(opts: GateOptions, wake: () => void) {
    this.#opts = opts;
    this.#wake = wake;
  }
  plan(_pool: PoolRecord, medium: "EMAIL" | "SMS", _destination: string): DeliveryPlan {
    const transport = medium === "EMAIL" ? this.#opts.email : this.#opts.sms;
    if (transport === null) {
      fail(
        "CodeDeliveryFailureException",
        `Unable to deliver the code: no ${medium === "EMAIL" ? "email" : "SMS"} transport is configured.`,
      );
    }
    return { transport };
  }
  notify(): void {
    this.#wake();
  }
}
