// `cognate signing-keys list|rotate --pool ID`: the RSA keys that sign a user pool's ID and
// access tokens (docs/signin.md, "Signing keys"). `rotate` adds the next key of each kind,
// which signs from then on; the keys it replaces stay in the pool's JWKS until every token
// they signed has expired, so no token in use stops verifying. Private keys are never shown.
import { parseArgs } from "node:util";
import { openStore } from "../adapters/store/open.js";
import { ConfigError, loadConfig } from "../config/config.js";
import { systemClock } from "../ports/clock.js";
import { RETIRED_KEY_LISTED_MS, rotateSigningKeys } from "../services/tokens/keys.js";

export const SIGNING_KEYS_USAGE = `Usage: cognate signing-keys <list|rotate> --pool POOL_ID [options]

  signing-keys list --pool ID [--json]     the pool's token signing keys (kid, use, state)
  signing-keys rotate --pool ID [--json]   new ID and access token keys sign from now on (every
                                           node within configCacheSeconds, at least 1 s); the
                                           old ones stay in the JWKS until the tokens they
                                           signed have expired (a day)

Options (the store and its server secret are found as for \`serve\`):
  --db PATH|URL      SQLite file or postgres://…   (COGNATE_DB)
  --config FILE      configuration file            (COGNATE_CONFIG)
  --server-secret-file FILE   the server secret's key file (COGNATE_SERVER_SECRET_FILE)
`;

export async function signingKeysCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      db: { type: "string" },
      config: { type: "string" },
      "server-secret-file": { type: "string" },
      pool: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
    strict: true,
  });
  const [verb] = positionals;
  if (values.help || verb === undefined || verb === "help") {
    process.stdout.write(SIGNING_KEYS_USAGE);
    return verb === undefined && !values.help ? 2 : 0;
  }
  if (verb !== "list" && verb !== "rotate") {
    throw new ConfigError(`unknown signing-keys command "${verb}" (list or rotate)`);
  }
  const poolId = values.pool;
  if (poolId === undefined) throw new ConfigError(`signing-keys ${verb} needs --pool POOL_ID`);
  const flags: Record<string, unknown> = {};
  if (values.db !== undefined) flags.db = values.db;
  if (values["server-secret-file"] !== undefined) flags.serverSecretFile = values["server-secret-file"];
  const config = loadConfig({ file: values.config, env: process.env, flags });
  const { store } = await openStore(config.db, {
    mode: config.mode,
    serverSecret: config.serverSecret,
    serverSecretFile: config.serverSecretFile,
  });
  try {
    if (!(await store.read.pools.get(poolId))) {
      process.stderr.write(`cognate: no user pool ${poolId}\n`);
      return 1;
    }
    if (verb === "rotate") {
      const rotated = await rotateSigningKeys(store, systemClock, poolId);
      if (rotated === null) {
        process.stderr.write("cognate: another rotation of this pool ran at the same time; run it again\n");
        return 1;
      }
      if (values.json) {
        process.stdout.write(`${JSON.stringify({ Added: rotated.added, Retired: rotated.retired })}\n`);
      } else {
        for (const k of rotated.added) {
          process.stdout.write(`signs ${k.use} tokens now: ${k.kid} (generation ${k.generation})\n`);
        }
        for (const k of rotated.retired) {
          process.stdout.write(`retired, still in the JWKS for a day: ${k.kid} (${k.use})\n`);
        }
      }
      return 0;
    }
    const now = Date.now();
    const keys = (await store.read.signingKeys.listForPool(poolId)).map((k) => ({
      Kid: k.kid,
      Use: k.use,
      Generation: k.generation,
      State:
        k.retiredAt === null
          ? "signing"
          : k.retiredAt + RETIRED_KEY_LISTED_MS > now
            ? "retired (listed)"
            : "retired (unlisted)",
      CreateDate: new Date(k.createdAt).toISOString(),
      RetireDate: k.retiredAt === null ? null : new Date(k.retiredAt).toISOString(),
    }));
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ SigningKeys: keys })}\n`);
    } else if (keys.length === 0) {
      process.stdout.write("No signing keys yet: the pool's first sign-in makes them.\n");
    } else {
      for (const k of keys) {
        process.stdout.write(
          `${k.Kid}  ${k.Use.padEnd(6)}  gen ${k.Generation}  ${k.State}  created ${k.CreateDate}\n`,
        );
      }
    }
    return 0;
  } finally {
    await store.close();
  }
}
