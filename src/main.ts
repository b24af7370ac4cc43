// The composition root: configuration → store → transports → triggers → HTTP.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { availableParallelism } from "node:os";
import { setTimeout as delay } from "node:timers/promises";
import { createSecureContext } from "node:tls";
import type { DestinationStream, Logger } from "pino";
import { srpMathFor } from "./adapters/cpu/srpPool.js";
import { OutboxDispatcher } from "./adapters/delivery/dispatcher.js";
import { TransportGate } from "./adapters/delivery/gate.js";
import { inboxTransport } from "./adapters/delivery/inbox.js";
import { setupDelivery } from "./adapters/delivery/setup.js";
import { type OpenedStore, openStore } from "./adapters/store/open.js";
import { customSenderTransports } from "./adapters/triggers/customSender.js";
import { LambdaTriggers } from "./adapters/triggers/service.js";
import { ConfigError, type ServerConfig } from "./config/config.js";
import { httpUrl } from "./config/urls.js";
import { cryptoRandom, type Random } from "./domain/ids.js";
import { DEV_COST, expensiveCost, HashGate, PRODUCTION_COST, type ScryptCost } from "./domain/passwords.js";
import { DevConsole } from "./http/console/console.js";
import { InFlight } from "./http/io.js";
import { createHttpServer } from "./http/server.js";
import { createLogger, flatLineLogger } from "./logging.js";
import type { Deps } from "./operations/deps.js";
import { operationMap } from "./operations/registry.js";
import { type Clock, systemClock } from "./ports/clock.js";
import type { SrpMath } from "./ports/srpMath.js";
import type { Transport } from "./ports/transport.js";
import type { Triggers } from "./ports/triggers.js";
import { adminAuthenticator, publicLimiter, warnWithoutAccessKeys } from "./protocol/admission.js";
import { type Authenticator, Dispatcher, unlimited } from "./protocol/dispatch.js";
import { type SeedResult, seed } from "./seed.js";
import { seedUsersAndGroups } from "./services/adminFixtures.js";
import { Directory } from "./services/directory.js";
import { LatencyMirror } from "./services/latency.js";
import { SigningKeys } from "./services/tokens/keys.js";

export interface StartOptions {
  clock?: Clock;
  random?: Random;
  /** Where logs go (default stdout). */
  logStream?: DestinationStream;
  logger?: Logger;
  /** Extra transports by name, replacing configured ones of the same name (tests). */
  transports?: Transport[];
  triggers?: Triggers;
  authenticator?: Authenticator;
  /** SRP's exponentiations (default: worker threads, adapters/cpu/srpPool.ts; tests inject). */
  srpMath?: SrpMath;
  /** Outbox retry settings (tests shorten them). */
  outbox?: Partial<{
    maxAttempts: number;
    baseDelayMs: number;
    maxDelayMs: number;
    leaseMs: number;
    pollMs: number;
  }>;
}

export interface Cognate {
  /** http://host:port */
  url: string;
  port: number;
  config: ServerConfig;
  deps: Deps;
  store: OpenedStore;
  seeded: SeedResult;
  outbox: OutboxDispatcher;
  /** The dev console's address (dev mode with the inbox on), else null. */
  consoleUrl: string | null;
  /** The dev console itself (its live feed), or null in production. */
  devConsole: DevConsole | null;
  /** Which transport serves what, for the start-up banner (no secrets). */
  delivery: string;
  /** Stops accepting requests, lets in-flight ones finish, stops the outbox, closes the store. */
  close(): Promise<void>;
}

/**
 * Expensive hashes (N ≥ 2^13, a millisecond or more each) get every core but one, so sign-up
 * bursts leave the event loop a core; cheap ones (the dev default) are not worth queueing.
 */
function defaultHashConcurrency(cost: ScryptCost): number {
  return expensiveCost(cost) ? Math.max(1, availableParallelism() - 1) : 64;
}

export async function startCognate(config: ServerConfig, opts: StartOptions = {}): Promise<Cognate> {
  const log = opts.logger ?? createLogger(config.logLevel, config.mode, opts.logStream);
  const clock = opts.clock ?? systemClock;
  const random = opts.random ?? cryptoRandom;
  const opened = await openStore(config.db, {
    mode: config.mode,
    serverSecret: config.serverSecret,
    serverSecretFile: config.serverSecretFile,
    poolSize: config.pgPoolSize,
    onAfterCommitError: (err) => log.error({ err }, "store: after-commit work failed"),
  });
  for (const w of opened.warnings) log.warn(w);
  const { store } = opened;
  try {
    const seeded = await seed(config, store, clock, random);
    const devInbox = config.mode === "dev" && config.devInbox;

    const delivery = await setupDelivery(config, () => clock.now());
    const triggers: Triggers =
      opts.triggers ??
      new LambdaTriggers({
        config: config.triggers,
        region: config.region,
        log: log.child({ component: "triggers" }),
      });
    // Dev mode prints each delivered message (with its code) to the terminal: a flat line.
    const deliveredLog = config.mode === "dev" ? flatLineLogger(log, "dev", { component: "outbox" }) : null;
    const transports = new Map<string, Transport>([[inboxTransport.name, inboxTransport]]);
    for (const t of delivery.transports) transports.set(t.name, t);
    // CustomEmailSender / CustomSMSSender: the pool's function delivers, from the outbox.
    for (const t of customSenderTransports({ triggers, store, region: config.region }))
      transports.set(t.name, t);
    for (const t of opts.transports ?? []) transports.set(t.name, t);
    const outbox = new OutboxDispatcher({
      store,
      transports,
      clock,
      log: log.child({ component: "outbox" }),
      deliveredLog,
      owner: `${process.pid}-${randomUUID()}`,
      options: {
        maxAttempts: config.outbox.maxAttempts,
        baseDelayMs: config.outbox.baseDelayMs,
        maxDelayMs: config.outbox.maxDelayMs,
        leaseMs: Math.round(config.outbox.leaseSeconds * 1000),
        pollMs: config.outbox.pollMs,
        batchSize: 64,
        scrubDelivered: config.mode === "production",
        retentionMs: Math.round(config.outbox.retentionHours * 3_600_000),
        ...opts.outbox,
      },
    });
    // Per-pool transport choice; dev mode falls back to the inbox, production has no fallback.
    const gate = new TransportGate(delivery.settings, () => outbox.notify(), deliveredLog);
    // Every committed message wakes the outbox (and, in dev mode, is printed).
    store.onMessagesCommitted((messages) => gate.committed(messages));

    // A copy, so the listening address can complete it below.
    const effective: ServerConfig = { ...config };
    const limiter = publicLimiter(config, clock);
    const passwordCost =
      config.passwordHashing ?? (config.mode === "production" ? PRODUCTION_COST : DEV_COST);
    const deps: Deps = {
      config: effective,
      store,
      serverSecret: opened.serverSecret,
      clock,
      random,
      directory: new Directory(store, clock, config.configCacheSeconds),
      passwordCost,
      hashGate: new HashGate(
        config.passwordHashingConcurrency ?? defaultHashConcurrency(passwordCost),
        config.passwordHashingMaxQueue,
        config.passwordHashingMaxWaitMs,
      ),
      ipLimiter: limiter ?? unlimited,
      delivery: gate,
      triggers,
      latency: new LatencyMirror(),
      // A rotation made elsewhere (another node, the CLI) is signed with here within the
      // configuration cache bound, like any other pool setting (at least a second).
      signingKeys: new SigningKeys(store, clock, { ttlMs: Math.max(1, config.configCacheSeconds) * 1000 }),
      refreshTokenKey: opened.refreshTokenKey,
      srpMath: opts.srpMath ?? srpMathFor(),
    };
    const dispatcher = new Dispatcher(
      operationMap(),
      deps,
      opts.authenticator ?? adminAuthenticator(config, store, clock),
      limiter,
    );
    await seedUsersAndGroups(deps, seeded.pools, log.child({ component: "seed" }));
    await warnWithoutAccessKeys(config, store, log);
    const inFlight = new InFlight();
    const devConsole = devInbox ? new DevConsole({ dispatcher, deps, log }) : undefined;
    const server = createHttpServer({
      dispatcher,
      deps,
      log,
      options: {
        bodyLimitBytes: config.bodyLimitBytes,
        devInbox,
        timeouts: config.timeouts,
        inFlight,
        ...(devConsole ? { devConsole } : {}),
        ...(config.tls ? { tls: readTls(config.tls) } : {}),
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(config.port, config.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    const url = httpUrl(config.host, port, config.tls !== undefined);
    effective.publicUrl ??= url;
    outbox.start();

    let closing: Promise<void> | null = null;
    const close = () => {
      closing ??= (async () => {
        // Graceful: stop accepting, let in-flight requests finish (each keep-alive connection
        // is closed once its request is answered), cut what is left after the grace period.
        // Open console pages' live streams never finish on their own: they are ended first.
        devConsole?.close();
        await new Promise<void>((resolve) => {
          const idle = setInterval(() => server.closeIdleConnections(), 25);
          const cut = setTimeout(() => server.closeAllConnections(), config.timeouts.shutdownMs);
          server.close(() => {
            clearInterval(idle);
            clearTimeout(cut);
            resolve();
          });
          server.closeIdleConnections();
        });
        // A handler whose client went away may still be writing: the store stays open for it.
        await Promise.race([inFlight.idle(), delay(config.timeouts.shutdownMs, undefined, { ref: false })]);
        await outbox.stop();
        if (triggers instanceof LambdaTriggers) triggers.close();
        await delivery.close();
        await deps.srpMath.close();
        await store.close();
      })();
      return closing;
    };
    return {
      url,
      port,
      config: effective,
      deps,
      store: opened,
      seeded,
      outbox,
      consoleUrl: devConsole ? `${url}/_dev/` : null,
      devConsole: devConsole ?? null,
      delivery: delivery.describe,
      close,
    };
  } catch (e) {
    await store.close().catch(() => {});
    throw e;
  }
}

/** The certificate and key files of `tls` (PEM), read once at start. */
function readTls(tls: { cert: string; key: string }): { cert: Buffer; key: Buffer } {
  const read = (what: string, path: string) => {
    try {
      return readFileSync(path);
    } catch (e) {
      throw new ConfigError(`cannot read the TLS ${what} ${path}: ${(e as Error).message}`);
    }
  };
  const pair = { cert: read("certificate", tls.cert), key: read("key", tls.key) };
  try {
    createSecureContext(pair);
  } catch (e) {
    throw new ConfigError(
      `the TLS certificate ${tls.cert} and key ${tls.key} cannot be used: ${(e as Error).message}`,
    );
  }
  return pair;
}
