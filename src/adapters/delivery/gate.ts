// Chooses the transport for a message before anything is written, so a message that cannot
// be delivered fails the request (CodeDeliveryFailureException, or the Invalid*Role* errors
// for the pool configuration faults they name) instead of being queued.
import type { DeliveryGate, DeliveryPlan } from "../../ports/delivery.js";
import type { PoolRecord } from "../../ports/store.js";
import { type DeliverySettings, emailRoute, smsRoute } from "./policy.js";

export type GateOptions = DeliverySettings;

export class TransportGate implements DeliveryGate {
  readonly #settings: DeliverySettings;
  readonly #wake: () => void;
  constructor(settings: DeliverySettings, wake: () => void) {
    this.#settings = settings;
    this.#wake = wake;
  }
  plan(pool: PoolRecord, medium: "EMAIL" | "SMS", destination: string): DeliveryPlan {
    const route =
      medium === "EMAIL" ? emailRoute(pool, this.#settings) : smsRoute(pool, destination, this.#settings);
    return { transport: route.transport };
  }
  notify(): void {
    this.#wake();
  }
}
