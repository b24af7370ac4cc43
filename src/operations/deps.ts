// Everything an operation may depend on. Each operation takes a Pick of this, so its
// signature says what it uses; the composition root (src/main.ts) builds the whole.
import type { ServerConfig } from "../config/config.js";
import type { Random } from "../domain/ids.js";
import type { HashGate, ScryptCost } from "../domain/passwords.js";
import type { Clock } from "../ports/clock.js";
import type { DeliveryGate } from "../ports/delivery.js";
import type { SrpMath } from "../ports/srpMath.js";
import type { Store } from "../ports/store/index.js";
import type { Triggers } from "../ports/triggers.js";
import type { PublicLimiter } from "../protocol/dispatch.js";
import type { Directory } from "../services/directory.js";
import type { LatencyMirror } from "../services/latency.js";
import type { SigningKeys } from "../services/tokens/keys.js";

export interface Deps {
  config: ServerConfig;
  store: Store;
  /** Keys code HMACs and simulated answers. */
  serverSecret: Buffer;
  clock: Clock;
  random: Random;
  /** Cached pool and app-client lookups. */
  directory: Directory;
  passwordCost: ScryptCost;
  /** How many password hashes may run at once (they are CPU-bound, off the event loop). */
  hashGate: HashGate;
  /** The per-IP allowance of the public operations (unlimited when it is off). */
  ipLimiter: PublicLimiter;
  /** Checks, before anything is written, that a message can be delivered; wakes the outbox. */
  delivery: DeliveryGate;
  triggers: Triggers;
  /** Recent durations of real answers, which simulated ones (PreventUserExistenceErrors) match. */
  latency: LatencyMirror;
  /** This node's cache of the pools' token signing keys (services/tokens/keys.ts). */
  signingKeys: SigningKeys;
  /** Seals refresh tokens: a data key kept under the server secret (adapters/store/serverSecret.ts). */
  refreshTokenKey: Buffer;
  /** SRP's modular exponentiations: worker threads in the server (adapters/cpu/srpPool.ts). */
  srpMath: SrpMath;
}
