// Server configuration: one file (JSON or YAML), environment variables, CLI flags — in
// rising order of precedence — validated at start-up with messages that name the setting.
import { readFileSync } from "node:fs";
import { extname, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

const seedClient = z
  .object({
    ClientName: z.string().min(1),
    ClientId: z
      .string()
      .regex(/^[\w+]{1,128}$/, "must match [\\w+]+ (1..128 characters)")
      .optional(),
    ClientSecret: z
      .string()
      .regex(/^[\w+]{24,64}$/, "must match [\\w+]+ with 24..64 characters")
      .optional(),
  })
  .catchall(z.unknown());

const seedPool = z
  .object({
    PoolName: z.string().min(1),
    Id: z
      .string()
      .regex(/^[\w-]+_[0-9a-zA-Z]+$/, "must look like us-east-1_AbC123 ([\\w-]+_[0-9a-zA-Z]+)")
      .max(55)
      .optional(),
    Clients: z.array(seedClient).default([]),
  })
  .catchall(z.unknown());

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
    /** Requests per second per pool for the unauthenticated user operations; 0 = off. */
    poolRequestsPerSecond: z.number().int().min(0).default(0),
  })
  .strict();

const passwordHashing = z
  .object({
    ln: z.number().int().min(1).max(22),
    r: z.number().int().min(1).max(32),
    p: z.number().int().min(1).max(16),
  })
  .strict();

export const configSchema = z
  .object({
    host: z.string().default("127.0.0.1"),
    port: z.number().int().min(0).max(65535).default(9229),
    db: z.string().min(1).default("./.cognate/cognate.db"),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "must be an AWS region such as us-east-1")
      .default("us-east-1"),
    accountId: z
      .string()
      .regex(/^\d{12}$/, "must be 12 digits")
      .default("000000000000"),
    mode: z.enum(["dev", "production"]).default("dev"),
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** Base URL used in CONFIRM_WITH_LINK messages; defaults to the listening address. */
    publicUrl: z.string().url().optional(),
    /** Base64, ≥ 16 bytes. Keys code HMACs and seals client secrets; generated when absent. */
    serverSecret: z.string().optional(),
    bodyLimitBytes: z
      .number()
      .int()
      .min(1024)
      .default(1024 * 1024),
    /** Seconds a configuration cache entry (pools, clients) may be served before re-reading. */
    configCacheSeconds: z.number().min(0).default(1),
    limits: limits.default(limits.parse({})),
    /** scrypt cost; defaults to a cheap one in dev mode and OWASP's in production. */
    passwordHashing: passwordHashing.optional(),
    seed: z
      .object({ pools: z.array(seedPool).default([]) })
      .strict()
      .default({ pools: [] }),
    /** Record every message in the dev inbox (dev mode only). */
    devInbox: z.boolean().default(true),
  })
  .strict();

export type ServerConfig = z.infer<typeof configSchema>;
export type SeedPool = z.infer<typeof seedPool>;
export type SeedClient = z.infer<typeof seedClient>;

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
const ENV: Record<string, { key: string; type: "string" | "number" | "boolean" }> = {
  COGNATE_HOST: { key: "host", type: "string" },
  COGNATE_PORT: { key: "port", type: "number" },
  COGNATE_DB: { key: "db", type: "string" },
  COGNATE_REGION: { key: "region", type: "string" },
  COGNATE_MODE: { key: "mode", type: "string" },
  COGNATE_LOG_LEVEL: { key: "logLevel", type: "string" },
  COGNATE_PUBLIC_URL: { key: "publicUrl", type: "string" },
  COGNATE_SERVER_SECRET: { key: "serverSecret", type: "string" },
  COGNATE_ACCOUNT_ID: { key: "accountId", type: "string" },
};

export function envOverrides(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, { key, type }] of Object.entries(ENV)) {
    const v = env[name];
    if (v === undefined || v === "") continue;
    if (type === "number") {
      const n = Number(v);
      if (!Number.isFinite(n)) throw new ConfigError(`${name} must be a number, got "${v}"`);
      out[key] = n;
    } else if (type === "boolean") {
      out[key] = v === "1" || v.toLowerCase() === "true";
    } else {
      out[key] = v;
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
  const merged = { ...fromFile, ...envOverrides(env), ...opts.flags };
  const r = configSchema.safeParse(merged);
  if (!r.success) throw new ConfigError(formatIssues(r.error, file ?? "flags and environment"));
  return r.data;
}

/** A configuration for tests and embedding: defaults plus the given settings. */
export function makeConfig(partial: Partial<z.input<typeof configSchema>> = {}): ServerConfig {
  const r = configSchema.safeParse(partial);
  if (!r.success) throw new ConfigError(formatIssues(r.error, "object"));
  return r.data;
}
