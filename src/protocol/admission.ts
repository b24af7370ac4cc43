// Who may call what, per mode: the SigV4 check on the admin operations (production mode
// only; dev mode accepts any or no signature, as the README promises) and the per-IP rate
// on the public ones. The composition root (src/main.ts) takes both from here.
import type { Logger } from "pino";
import type { ServerConfig } from "../config/config.js";
import type { Clock } from "../ports/clock.js";
import type { Store } from "../ports/store/index.js";
import { type Authenticator, acceptAll, type PublicLimiter } from "./dispatch.js";
import { IpRateLimiter } from "./ipLimiter.js";
import { cachedLookup, SigV4Verifier } from "./sigv4.js";

/** Production's per-IP default for the public operations (requests per second, per node). */
export const PRODUCTION_IP_RATE = 20;

/**
 * The authenticator of the admin operations. Keys come from the config file's `credentials`
 * first, then from the store (`cognate keys create`), re-read at most every
 * `configCacheSeconds` so that a new or revoked key reaches every node quickly.
 */
export function adminAuthenticator(
  config: Pick<ServerConfig, "mode" | "region" | "credentials" | "configCacheSeconds">,
  store: Store,
  clock: Clock,
): Authenticator {
  if (config.mode !== "production") return acceptAll;
  const fromConfig = new Map(config.credentials.map((c) => [c.accessKeyId, c.secretAccessKey]));
  const fromStore = cachedLookup(
    async (id) => {
      const k = await store.read.accessKeys.get(id);
      return k && k.revokedAt === null ? k.secretAccessKey : undefined;
    },
    Math.max(0, config.configCacheSeconds * 1000),
    clock,
  );
  return new SigV4Verifier({
    region: config.region,
    service: "cognito-idp",
    clock,
    secretFor: async (id) => fromConfig.get(id) ?? (await fromStore(id)),
  });
}

/** The per-IP limiter of the public operations, or undefined when it is off. */
export function publicLimiter(
  config: Pick<ServerConfig, "mode" | "limits">,
  clock: Clock,
): PublicLimiter | undefined {
  const rate = config.limits.ipRequestsPerSecond ?? (config.mode === "production" ? PRODUCTION_IP_RATE : 0);
  if (rate <= 0) return undefined;
  const burst = config.limits.ipBurst ?? Math.max(1, Math.ceil(rate * 2));
  return new IpRateLimiter(rate, burst, clock);
}

/** In production, says so at start-up when no access key can call the admin operations. */
export async function warnWithoutAccessKeys(
  config: Pick<ServerConfig, "mode" | "credentials">,
  store: Store,
  log: Logger,
): Promise<void> {
  if (config.mode !== "production" || config.credentials.length > 0) return;
  const keys = await store.read.accessKeys.list();
  if (keys.some((k) => k.revokedAt === null)) return;
  log.warn(
    "production mode without access keys: every admin (SigV4) operation will be refused; create one with `cognate keys create`",
  );
}
