// Server configuration: one file (JSON or YAML), environment variables, CLI flags — in
// rising order of precedence — validated at start-up with messages that name the setting.
import { readFileSync } from "node:fs";
import { dirname, extname, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { allowedHosts, devOrigins } from "./access.js";
import { emailSection, outboxSection, sesSection, smsSection, snsSection } from "./deliverySchema.js";
import { REGION } from "./patterns.js";
import { seedPool } from "./seedSchema.js";
import { triggersSection } from "./triggers.js";

const limits = z
  .object({
    /** ResendConfirmationCode calls per user per window (Cognito: 5 per hour). */
    resendPerUser: z.number().int().min(0).default(5),
    resendWindowSeconds: z.number().int().min(1).default(3600),
    /** ConfirmSignUp calls per user per window (Cognito: 15 per hour). */
    confirmPerUser: z.number().int().min(0).default(15),
    confirmWindowSeconds: z.number().int().min(1).default(3600),
    /** Failed guesses one code survives before it is dead (TooManyFailedAttemptsException). */
    codeMaxFailedAttempts: z.number().int().min(1).default(20),
    // Account recovery and self-service, per user per `accountWindowSeconds` (docs/recovery.md,
    // "Limits"): Cognito's quotas are 5 to 20 per hour "depending on the risk"; Cognate keeps
    // the strict end where it was observed.
    /** Reset codes sent (ForgotPassword and AdminResetUserPassword together). */
    forgotPasswordPerUser: z.number().int().min(0).default(5),
    /** ConfirmForgotPassword calls, right or wrong (the 6th is LimitExceededException). */
    confirmForgotPasswordPerUser: z.number().int().min(0).default(5),
    /** ChangePassword calls, right or wrong. */
    changePasswordPerUser: z.number().int().min(0).default(5),
    /** GetUserAttributeVerificationCode calls. */
    attributeCodePerUser: z.number().int().min(0).default(5),
    /** VerifyUserAttribute calls, right or wrong. */
    verifyAttributePerUser: z.number().int().min(0).default(15),
    accountWindowSeconds: z.number().int().min(1).default(3600),
    /** Requests per second per pool for the unauthenticated user operations; 0 = off. */
    poolRequestsPerSecond: z.number().int().min(0).default(0),
    /**
     * Requests per second per source IP for the unauthenticated operations, per node; 0 = off.
     * Default: off in dev mode, 20 in production.
     */
    ipRequestsPerSecond: z.number().min(0).optional(),
    /** Burst above that rate one IP may use (the token bucket's size). Default: 2 × the rate. */
    ipBurst: z.number().int().min(1).optional(),
    /** Extra per-IP tokens an expensive password hash (N ≥ 2^13, e.g. at SignUp) takes. */
    ipHashCost: z.number().min(0).default(4),
  })
  .strict();

/** A SigV4 access key allowed to call the admin operations in production mode. */
const accessKey = z
  .object({
    accessKeyId: z.string().regex(/^[A-Za-z0-9]{16,128}$/, "must be 16..128 letters and digits"),
    secretAccessKey: z.string().min(16, "must be at least 16 characters"),
  })
  .strict();

const timeouts = z
  .object({
    /** A client must send its request headers within this long (slow-client guard). */
    headersMs: z.number().int().min(100).default(10_000),
    /** ...and the whole request within this long. */
    requestMs: z.number().int().min(100).default(30_000),
    /** An idle keep-alive connection is closed after this long. */
    keepAliveMs: z.number().int().min(100).default(5_000),
    /** On SIGTERM, in-flight requests get this long to finish before connections are cut. */
    shutdownMs: z.number().int().min(0).default(10_000),
  })
  .strict();

const passwordHashing = z
  .object({
    ln: z.number().int().min(1).max(22),
    r: z.number().int().min(1).max(32),
    p: z.number().int().min(1).max(16),
  })
  .strict();

// ---- Delivery (README "Delivering codes") -------------------------------------------------

export const configSchema = z
  .object({
    host: z.string().default("127.0.0.1"),
    port: z.number().int().min(0).max(65535).default(9229),
    db: z.string().min(1).default("./.cognate/cognate.db"),
    region: z.string().regex(REGION, "must be an AWS region such as us-east-1").default("us-east-1"),
    accountId: z
      .string()
      .regex(/^\d{12}$/, "must be 12 digits")
      .default("000000000000"),
    mode: z.enum(["dev", "production"]).default("dev"),
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** Base URL used in CONFIRM_WITH_LINK messages; defaults to the listening address. */
    publicUrl: z.string().url().optional(),
    /**
     * The `iss` of tokens (docs/configuration.md, "Token issuer"): `self` = publicUrl + /{poolId};
     * `aws` = https://cognito-idp.{region}.amazonaws.com/{poolId}.
     */
    issuer: z.enum(["self", "aws"]).default("self"),
    /**
     * Serve HTTPS with this certificate and private key (PEM files) instead of plain HTTP:
     * some token verifiers (aws-jwt-verify in Node) fetch a JWKS only over HTTPS
     * (docs/signin.md, "HTTPS").
     */
    tls: z
      .object({ cert: z.string().min(1), key: z.string().min(1) })
      .strict()
      .optional(),
    /**
     * Base64, ≥ 16 bytes. Keys code HMACs and seals client and access-key secrets. Production
     * needs it (or serverSecretFile); dev mode keeps a generated one in a key file beside the
     * database (docs/secrets.md).
     */
    serverSecret: z.string().optional(),
    /** A file holding the server secret (0600); dev mode makes it when missing. */
    serverSecretFile: z.string().min(1).optional(),
    bodyLimitBytes: z
      .number()
      .int()
      .min(1024)
      .default(1024 * 1024),
    /** Seconds a configuration cache entry (pools, clients) may be served before re-reading. */
    configCacheSeconds: z.number().min(0).default(1),
    /** PostgreSQL connections per node (only with a postgres:// --db). */
    pgPoolSize: z.number().int().min(1).max(1000).default(10),
    limits: limits.default(limits.parse({})),
    /** Access keys for SigV4 (production mode), besides those made with `cognate keys create`. */
    credentials: z.array(accessKey).default([]),
    timeouts: timeouts.default(timeouts.parse({})),
    /** scrypt cost; defaults to a cheap one in dev mode and OWASP's in production. */
    passwordHashing: passwordHashing.optional(),
    /** Password hashes computed at once; default: the machine's cores less one (at least 1). */
    passwordHashingConcurrency: z.number().int().min(1).max(64).optional(),
    /** Requests that may wait for a hashing slot; more are refused (TooManyRequestsException). */
    passwordHashingMaxQueue: z.number().int().min(0).default(64),
    /** Longest wait for a hashing slot (also refused up front when the wait would be longer). */
    passwordHashingMaxWaitMs: z.number().int().min(1).default(5000),
    seed: z
      .object({ pools: z.array(seedPool).default([]) })
      .strict()
      .default({ pools: [] }),
    /** Record every message in the dev inbox (dev mode only). */
    devInbox: z.boolean().default(true),
    /** Browser origins allowed to use the dev inbox and the unsigned admin operations (config/access.ts). */
    devOrigins,
    /** More host names dev mode answers to, against DNS rebinding (config/access.ts). */
    allowedHosts,
    email: emailSection.default(emailSection.parse({})),
    /** Amazon SES v2 (present = configured). */
    ses: sesSection.optional(),
    /** Amazon SNS for SMS (present = configured). */
    sns: snsSection.optional(),
    sms: smsSection.default(smsSection.parse({})),
    outbox: outboxSection.default(outboxSection.parse({})),
    /** Lambda triggers: where each function runs, deadlines, custom sender keys (config/triggers.ts). */
    triggers: triggersSection.default(triggersSection.parse({})),
  })
  .strict()
  .refine((c) => c.serverSecret === undefined || c.serverSecretFile === undefined, {
    message: "set serverSecret or serverSecretFile, not both",
    path: ["serverSecretFile"],
  });

export type ServerConfig = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

function formatIssues(err: z.ZodError, source: string): string {
  return err.issues
    .map((i) => `  - ${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`)
    .join("\n")
    .replace(/^/, `invalid configuration (${source}):\n`);
}

export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(resolve(path), "utf8");
  } catch (e) {
    throw new ConfigError(`cannot read config file ${path}: ${(e as Error).message}`);
  }
  let data: unknown;
  try {
    data = [".yaml", ".yml"].includes(extname(path).toLowerCase()) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`cannot parse config file ${path}: ${(e as Error).message}`);
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== "object" || Array.isArray(data))
    throw new ConfigError(`config file ${path} must hold an object`);
  return data as Record<string, unknown>;
}

/** Environment variables → config keys. */
const ENV: Record<string, { key: string; type: "string" | "number" | "boolean" | "list" }> = {
  COGNATE_HOST: { key: "host", type: "string" },
  COGNATE_PORT: { key: "port", type: "number" },
  COGNATE_DB: { key: "db", type: "string" },
  COGNATE_REGION: { key: "region", type: "string" },
  COGNATE_MODE: { key: "mode", type: "string" },
  COGNATE_LOG_LEVEL: { key: "logLevel", type: "string" },
  COGNATE_PUBLIC_URL: { key: "publicUrl", type: "string" },
  COGNATE_ISSUER: { key: "issuer", type: "string" },
  COGNATE_TLS_CERT: { key: "tls.cert", type: "string" },
  COGNATE_TLS_KEY: { key: "tls.key", type: "string" },
  COGNATE_SERVER_SECRET: { key: "serverSecret", type: "string" },
  COGNATE_SERVER_SECRET_FILE: { key: "serverSecretFile", type: "string" },
  COGNATE_ACCOUNT_ID: { key: "accountId", type: "string" },
  COGNATE_DEV_ORIGINS: { key: "devOrigins", type: "list" },
  COGNATE_ALLOWED_HOSTS: { key: "allowedHosts", type: "list" },
  // Delivery: dotted keys name nested settings.
  COGNATE_SMTP_URL: { key: "email.smtpUrl", type: "string" },
  COGNATE_EMAIL_FROM: { key: "email.from", type: "string" },
  COGNATE_SMS_WEBHOOK: { key: "sms.webhookUrl", type: "string" },
  COGNATE_SMS_WEBHOOK_SECRET: { key: "sms.webhookSecret", type: "string" },
  COGNATE_SES_ENDPOINT: { key: "ses.endpoint", type: "string" },
  COGNATE_SES_REGION: { key: "ses.region", type: "string" },
  COGNATE_SNS_ENDPOINT: { key: "sns.endpoint", type: "string" },
  COGNATE_SNS_REGION: { key: "sns.region", type: "string" },
};

/** Sets `a.b.c` in a nested object, creating the levels on the way. */
export function setPath(target: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split(".");
  const last = parts.pop() as string;
  let at = target;
  for (const p of parts) {
    const next = at[p];
    if (typeof next === "object" && next !== null && !Array.isArray(next)) {
      at = next as Record<string, unknown>;
    } else {
      const created: Record<string, unknown> = {};
      at[p] = created;
      at = created;
    }
  }
  at[last] = value;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Merges settings so that a flag for one nested key keeps the file's other keys beside it. */
export function mergeSettings(...layers: Record<string, unknown>[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) {
      const prev = out[k];
      out[k] = isPlainObject(prev) && isPlainObject(v) ? mergeSettings(prev, v) : v;
    }
  }
  return out;
}

export function envOverrides(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, { key, type }] of Object.entries(ENV)) {
    const v = env[name];
    if (v === undefined || v === "") continue;
    if (type === "number") {
      const n = Number(v);
      if (!Number.isFinite(n)) throw new ConfigError(`${name} must be a number, got "${v}"`);
      setPath(out, key, n);
    } else if (type === "list") {
      setPath(
        out,
        key,
        v
          .split(",")
          .map((x) => x.trim())
          .filter((x) => x !== ""),
      );
    } else if (type === "boolean") {
      setPath(out, key, v === "1" || v.toLowerCase() === "true");
    } else {
      setPath(out, key, v);
    }
  }
  return out;
}

export const ENV_VARIABLES = Object.keys(ENV);

/**
 * Builds the configuration: defaults < file < environment < flags. `flags` holds only what
 * was given on the command line.
 */
export function loadConfig(opts: {
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
  flags?: Record<string, unknown>;
}): ServerConfig {
  const env = opts.env ?? {};
  const file = opts.file ?? env.COGNATE_CONFIG;
  const fromFile = file ? readConfigFile(file) : {};
  const merged = mergeSettings(fromFile, envOverrides(env), opts.flags ?? {});
  const r = configSchema.safeParse(merged);
  if (!r.success) throw new ConfigError(formatIssues(r.error, file ?? "flags and environment"));
  // Trigger modules named by relative paths live beside the config file that names them.
  if (file && r.data.triggers.baseDir === undefined) r.data.triggers.baseDir = dirname(resolve(file));
  return r.data;
}

/** A configuration for tests and embedding: defaults plus the given settings. */
export function makeConfig(partial: Partial<z.input<typeof configSchema>> = {}): ServerConfig {
  const r = configSchema.safeParse(partial);
  if (!r.success) throw new ConfigError(formatIssues(r.error, "object"));
  return r.data;
}
