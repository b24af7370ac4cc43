// The `cognate` command: `serve` starts the server; other verbs are adapters over the same
// store and operations (never a second implementation).
import { parseArgs } from "node:util";
import { ConfigError, ENV_VARIABLES, loadConfig, setPath } from "../config/config.js";
import { startCognate } from "../main.js";
import { keysCommand } from "./keys.js";
import { messagesCommand } from "./messages.js";
import { secretCommand } from "./secret.js";
import { signingKeysCommand } from "./signingKeys.js";
import { groupsCommand, usersCommand } from "./users.js";

const USAGE = `Usage: cognate <command> [options]

Commands:
  serve      Start the server (default)
  keys       Create, list and revoke the access keys of admin calls in production (cognate keys --help)
  messages   List outgoing messages and their delivery status (cognate messages --help)
  secret     Make, export or rotate the server secret (cognate secret --help)
  users      Create a user with its password and groups, for fixtures (cognate users --help)
  groups     Create a group or add a user to one (cognate groups --help)
  signing-keys  List or rotate a user pool's token signing keys (cognate signing-keys --help)
  help       Show this help

serve options (each also settable in the config file and by environment):
  --host HOST        Address to listen on            (COGNATE_HOST, default 127.0.0.1)
  --port PORT        Port to listen on, 0 = any free  (COGNATE_PORT, default 9229)
  --db PATH|URL      SQLite file, :memory:, or postgres://…  (COGNATE_DB, default ./.cognate/cognate.db)
  --config FILE      JSON or YAML configuration file  (COGNATE_CONFIG)
  --region REGION    Region in pool ids and ARNs      (COGNATE_REGION, default us-east-1)
  --mode MODE        dev (dev inbox on) or production (COGNATE_MODE, default dev)
  --server-secret-file FILE  The server secret (COGNATE_SERVER_SECRET_FILE, or COGNATE_SERVER_SECRET);
                     production needs one, dev mode keeps its own beside the database (docs/secrets.md)
  --log-level LEVEL  fatal|error|warn|info|debug|trace|silent (COGNATE_LOG_LEVEL, default info)
  --public-url URL   This server's address as clients reach it (COGNATE_PUBLIC_URL, default the listening address)
  --issuer self|aws  The iss of tokens: self = public URL + /{poolId}; aws = https://cognito-idp.{region}.amazonaws.com/{poolId}
                     (COGNATE_ISSUER, default self; docs/configuration.md)
  --tls-cert FILE, --tls-key FILE  Serve HTTPS with this PEM certificate and key (COGNATE_TLS_CERT,
                     COGNATE_TLS_KEY; config tls.cert, tls.key): aws-jwt-verify fetches a JWKS only over HTTPS

delivery (README "Delivering codes"):
  --smtp-url URL     smtp://user:pass@host:port (STARTTLS when offered) or smtps://… (implicit TLS):
                     the email transport of pools on COGNITO_DEFAULT  (COGNATE_SMTP_URL)
  --email-from ADDR  From address of those emails (COGNATE_EMAIL_FROM, default no-reply@verificationemail.com)
  --sms-webhook URL  POST each SMS as signed JSON to this gateway   (COGNATE_SMS_WEBHOOK)
  --sms-webhook-secret S  HMAC key of the gateway's signatures       (COGNATE_SMS_WEBHOOK_SECRET)
  --ses-endpoint URL, --ses-region R   Amazon SES v2 (COGNATE_SES_ENDPOINT, COGNATE_SES_REGION)
  --sns-endpoint URL, --sns-region R   Amazon SNS    (COGNATE_SNS_ENDPOINT, COGNATE_SNS_REGION)

Environment variables: ${ENV_VARIABLES.join(", ")}, COGNATE_CONFIG
`;

function flagsFrom(values: Record<string, string | boolean | undefined>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const map: Record<string, string> = {
    host: "host",
    db: "db",
    region: "region",
    mode: "mode",
    "log-level": "logLevel",
    "server-secret-file": "serverSecretFile",
    "public-url": "publicUrl",
    issuer: "issuer",
  };
  for (const [flag, key] of Object.entries(map)) {
    const v = values[flag];
    if (typeof v === "string") out[key] = v;
  }
  // Delivery flags name nested settings (config file sections email, sms, ses, sns).
  const nested: Record<string, string> = {
    "smtp-url": "email.smtpUrl",
    "email-from": "email.from",
    "sms-webhook": "sms.webhookUrl",
    "sms-webhook-secret": "sms.webhookSecret",
    "ses-endpoint": "ses.endpoint",
    "ses-region": "ses.region",
    "sns-endpoint": "sns.endpoint",
    "sns-region": "sns.region",
    "tls-cert": "tls.cert",
    "tls-key": "tls.key",
  };
  for (const [flag, key] of Object.entries(nested)) {
    const v = values[flag];
    if (typeof v === "string") setPath(out, key, v);
  }
  if (typeof values.port === "string") {
    const n = Number(values.port);
    if (!Number.isInteger(n)) throw new ConfigError(`--port must be a whole number, got "${values.port}"`);
    out.port = n;
  }
  return out;
}

async function serve(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      host: { type: "string" },
      port: { type: "string" },
      db: { type: "string" },
      config: { type: "string" },
      region: { type: "string" },
      mode: { type: "string" },
      "log-level": { type: "string" },
      "server-secret-file": { type: "string" },
      "public-url": { type: "string" },
      issuer: { type: "string" },
      "smtp-url": { type: "string" },
      "email-from": { type: "string" },
      "sms-webhook": { type: "string" },
      "sms-webhook-secret": { type: "string" },
      "ses-endpoint": { type: "string" },
      "ses-region": { type: "string" },
      "sns-endpoint": { type: "string" },
      "sns-region": { type: "string" },
      "tls-cert": { type: "string" },
      "tls-key": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const config = loadConfig({ file: values.config, env: process.env, flags: flagsFrom(values) });
  const app = await startCognate(config);
  const inbox = config.mode === "dev" && config.devInbox ? `, dev inbox at ${app.url}/_dev/messages` : "";
  process.stdout.write(
    `Cognate ${config.mode} server listening on ${app.url} (${app.store.engine} ${app.store.location}${inbox})\n`,
  );
  if (app.consoleUrl) process.stdout.write(`  dev console: ${app.consoleUrl} (open it in a browser)\n`);
  process.stdout.write(`  delivery: ${app.delivery}\n`);
  process.stdout.write(`  server secret: from ${app.store.secretSource}\n`);
  for (const p of app.seeded.pools) {
    process.stdout.write(
      `  seeded pool ${p.id} (${p.name}): clients ${p.clients.map((c) => c.id).join(", ") || "none"}\n`,
    );
  }
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stdout.write(`Received ${signal}, shutting down\n`);
      app.close().then(resolve, (e: unknown) => {
        process.stderr.write(`cognate: error while shutting down: ${String(e)}\n`);
        resolve();
      });
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [command = "serve", ...rest] = argv;
  try {
    switch (command) {
      case "serve":
        return await serve(rest);
      case "keys":
        return await keysCommand(rest);
      case "messages":
        return await messagesCommand(rest, process.stdout);
      case "secret":
        return await secretCommand(rest, process.stdout);
      case "signing-keys":
        return await signingKeysCommand(rest);
      case "users":
        return await usersCommand(rest);
      case "groups":
        return await groupsCommand(rest);
      case "help":
      case "--help":
      case "-h":
        process.stdout.write(USAGE);
        return 0;
      default:
        if (command.startsWith("--")) return await serve(argv);
        process.stderr.write(`cognate: unknown command "${command}"\n\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    if (
      e instanceof ConfigError ||
      (e instanceof TypeError && "code" in e && String(e.code).startsWith("ERR_PARSE_ARGS"))
    ) {
      process.stderr.write(`cognate: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
