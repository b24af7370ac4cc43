// `cognate users create` and `cognate groups create|add-user`: fixtures made on the store
// directly (no server has to run), through the same operations as the API and the config
// file's seed (src/services/adminFixtures.ts). No invitation is sent: the caller names the
// password, permanent (--password, the user is CONFIRMED) or temporary
// (--temporary-password, FORCE_CHANGE_PASSWORD until the first sign-in).
import { parseArgs } from "node:util";
import pino from "pino";
import { openStore } from "../adapters/store/open.js";
import { LambdaTriggers } from "../adapters/triggers/service.js";
import { ConfigError, loadConfig, type ServerConfig } from "../config/config.js";
import { cryptoRandom } from "../domain/ids.js";
import { DEV_COST, HashGate, PRODUCTION_COST } from "../domain/passwords.js";
import type { Deps } from "../operations/deps.js";
import { systemClock } from "../ports/clock.js";
import { inlineSrpMath } from "../ports/srpMath.js";
import { unlimited } from "../protocol/dispatch.js";
import { fail, ServiceError } from "../protocol/errors.js";
import { addToGroups, fixtureContext, putGroup, putUser } from "../services/adminFixtures.js";
import { Directory } from "../services/directory.js";
import { LatencyMirror } from "../services/latency.js";
import { SigningKeys } from "../services/tokens/keys.js";

export const USERS_USAGE = `Usage: cognate users create --pool ID --username NAME (--password P | --temporary-password P) [options]

Creates a user as AdminCreateUser does (no invitation is sent), then adds it to groups.

  --pool ID                  the user pool
  --username NAME            the username (an email or phone in UsernameAttributes pools)
  --password P               a permanent password: the user is CONFIRMED
  --temporary-password P     a temporary one: FORCE_CHANGE_PASSWORD until the first sign-in
  --attribute NAME=VALUE     an attribute (repeatable), e.g. --attribute email=a@example.com
  --group NAME               a group to add the user to (repeatable; it must exist)

Options (the store and its server secret are found as for \`serve\`):
  --db PATH|URL      SQLite file or postgres://…   (COGNATE_DB)
  --config FILE      configuration file            (COGNATE_CONFIG)
  --server-secret-file FILE   the server secret's key file (COGNATE_SERVER_SECRET_FILE)
`;

export const GROUPS_USAGE = `Usage: cognate groups <create|add-user> --pool ID --group NAME [options]

  groups create --pool ID --group NAME [--description TEXT] [--precedence N] [--role-arn ARN]
                 creates the group (or updates one of that name)
  groups add-user --pool ID --group NAME --username NAME
                 adds the user to the group (as AdminAddUserToGroup)

Options: --db, --config, --server-secret-file, as for \`cognate users\`.
`;

const STORE_OPTIONS = {
  db: { type: "string" },
  config: { type: "string" },
  "server-secret-file": { type: "string" },
  pool: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** Deps for running operations outside the server: no delivery (fixtures send nothing). */
async function withDeps<T>(
  values: { db?: string | undefined; config?: string | undefined; "server-secret-file"?: string | undefined },
  fn: (deps: Deps) => Promise<T>,
): Promise<T> {
  const flags: Record<string, unknown> = {};
  if (values.db !== undefined) flags.db = values.db;
  if (values["server-secret-file"] !== undefined) flags.serverSecretFile = values["server-secret-file"];
  const config: ServerConfig = loadConfig({ file: values.config, env: process.env, flags });
  const opened = await openStore(config.db, {
    mode: config.mode,
    serverSecret: config.serverSecret,
    serverSecretFile: config.serverSecretFile,
  });
  const log = pino({ level: "silent" });
  const triggers = new LambdaTriggers({ config: config.triggers, region: config.region, log });
  const passwordCost = config.passwordHashing ?? (config.mode === "production" ? PRODUCTION_COST : DEV_COST);
  const deps: Deps = {
    config,
    store: opened.store,
    serverSecret: opened.serverSecret,
    clock: systemClock,
    random: cryptoRandom,
    directory: new Directory(opened.store, systemClock, 0),
    passwordCost,
    hashGate: new HashGate(1, 16, 60_000),
    ipLimiter: unlimited,
    delivery: {
      plan: () => fail("CodeDeliveryFailureException", "The command line sends no messages."),
    },
    triggers,
    latency: new LatencyMirror(),
    signingKeys: new SigningKeys(opened.store, systemClock),
    refreshTokenKey: opened.refreshTokenKey,
    // One user at a time: the exponentiation runs here, no worker threads.
    srpMath: inlineSrpMath,
  };
  try {
    return await fn(deps);
  } finally {
    triggers.close();
    await opened.store.close();
  }
}

function need(v: string | undefined, flag: string): string {
  if (v === undefined || v === "") throw new ConfigError(`${flag} is required`);
  return v;
}

/** Runs a fixture step; an operation's refusal is printed as the API would name it, exit 1. */
async function report(step: () => Promise<string>): Promise<number> {
  try {
    process.stdout.write(`${await step()}\n`);
    return 0;
  } catch (e) {
    if (e instanceof ServiceError) {
      process.stderr.write(`cognate: ${e.type}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

export async function usersCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ...STORE_OPTIONS,
      username: { type: "string" },
      password: { type: "string" },
      "temporary-password": { type: "string" },
      attribute: { type: "string", multiple: true },
      group: { type: "string", multiple: true },
    },
    allowPositionals: true,
    strict: true,
  });
  const [verb] = positionals;
  if (values.help || verb === undefined || verb === "help") {
    process.stdout.write(USERS_USAGE);
    return verb === undefined && !values.help ? 2 : 0;
  }
  if (verb !== "create") throw new ConfigError(`unknown users command "${verb}" (create)`);
  const pool = need(values.pool, "--pool");
  const username = need(values.username, "--username");
  const password = values.password;
  const temporary = values["temporary-password"];
  if ((password === undefined) === (temporary === undefined)) {
    throw new ConfigError("give one of --password (permanent) or --temporary-password");
  }
  const attributes = (values.attribute ?? []).map((a) => {
    const eq = a.indexOf("=");
    if (eq <= 0) throw new ConfigError(`--attribute must be NAME=VALUE, got "${a}"`);
    return { Name: a.slice(0, eq), Value: a.slice(eq + 1) };
  });
  return withDeps(values, (deps) =>
    report(async () => {
      const created = await putUser(
        deps,
        pool,
        {
          Username: username,
          Password: password,
          TemporaryPassword: temporary,
          UserAttributes: attributes,
          Groups: values.group ?? [],
        },
        fixtureContext(pino({ level: "silent" }), "cli"),
      );
      if (!created) fail("UsernameExistsException", "User account already exists");
      const groups = values.group?.length ? `, in ${values.group.join(", ")}` : "";
      return `Created ${username} in ${pool} (${password === undefined ? "FORCE_CHANGE_PASSWORD" : "CONFIRMED"}${groups}).`;
    }),
  );
}

export async function groupsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ...STORE_OPTIONS,
      group: { type: "string" },
      username: { type: "string" },
      description: { type: "string" },
      precedence: { type: "string" },
      "role-arn": { type: "string" },
    },
    allowPositionals: true,
    strict: true,
  });
  const [verb] = positionals;
  if (values.help || verb === undefined || verb === "help") {
    process.stdout.write(GROUPS_USAGE);
    return verb === undefined && !values.help ? 2 : 0;
  }
  if (verb !== "create" && verb !== "add-user") {
    throw new ConfigError(`unknown groups command "${verb}" (create or add-user)`);
  }
  const pool = need(values.pool, "--pool");
  const group = need(values.group, "--group");
  const ctx = fixtureContext(pino({ level: "silent" }), "cli");
  if (verb === "create") {
    let precedence: number | undefined;
    if (values.precedence !== undefined) {
      precedence = Number(values.precedence);
      if (!Number.isInteger(precedence) || precedence < 0) {
        throw new ConfigError(`--precedence must be a whole number ≥ 0, got "${values.precedence}"`);
      }
    }
    return withDeps(values, (deps) =>
      report(async () => {
        await putGroup(
          deps,
          pool,
          {
            GroupName: group,
            Description: values.description,
            RoleArn: values["role-arn"],
            Precedence: precedence,
          },
          ctx,
        );
        return `Group ${group} is in ${pool}.`;
      }),
    );
  }
  const username = need(values.username, "--username");
  return withDeps(values, (deps) =>
    report(async () => {
      await addToGroups(deps, pool, username, [group], ctx);
      return `Added ${username} to ${group} in ${pool}.`;
    }),
  );
}
