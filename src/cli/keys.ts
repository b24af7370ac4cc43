// `cognate keys create|list|revoke`: the access keys that may call the admin (SigV4)
// operations in production mode. They live in the store, so every node sharing the database
// sees a new or revoked key within `configCacheSeconds`. The secret is sealed at rest with
// the server secret (SigV4 needs it in plain to recompute signatures, so it cannot be hashed)
// and is shown once, at creation. Rotation: create a new key, move the clients to it, revoke
// the old one.
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { openStore } from "../adapters/store/open.js";
import { ConfigError, loadConfig } from "../config/config.js";
import type { AccessKeyRecord } from "../ports/store/index.js";

export const KEYS_USAGE = `Usage: cognate keys <create|list|revoke> [options]

  keys create [--description TEXT] [--json]   make a new access key; prints its secret once
  keys list [--json]                           every key with its state (secrets never shown)
  keys revoke ACCESS_KEY_ID                    refuse the key from now on (all nodes within
                                               configCacheSeconds)

Options (the store and its server secret are found as for \`serve\`):
  --db PATH|URL      SQLite file or postgres://…   (COGNATE_DB)
  --config FILE      configuration file            (COGNATE_CONFIG)
  --server-secret-file FILE   the server secret's key file (COGNATE_SERVER_SECRET_FILE)
`;

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** An access key id shaped like AWS's (20 upper-case characters), prefixed so it is recognisable. */
export function newAccessKeyId(): string {
  const bytes = randomBytes(16);
  let id = "CGNT";
  for (const b of bytes) id += BASE32[b % 32];
  return id;
}

/** 40 characters, like an AWS secret access key, with no characters a shell would mangle. */
export function newSecretAccessKey(): string {
  return randomBytes(30).toString("base64url");
}

function describe(k: AccessKeyRecord): Record<string, string | null> {
  return {
    AccessKeyId: k.accessKeyId,
    Status: k.revokedAt === null ? "Active" : "Revoked",
    CreateDate: new Date(k.createdAt).toISOString(),
    RevokeDate: k.revokedAt === null ? null : new Date(k.revokedAt).toISOString(),
    Description: k.description,
  };
}

export async function keysCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      db: { type: "string" },
      config: { type: "string" },
      "server-secret-file": { type: "string" },
      description: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
    strict: true,
  });
  const [verb, ...rest] = positionals;
  if (values.help || verb === undefined || verb === "help") {
    process.stdout.write(KEYS_USAGE);
    return verb === undefined && !values.help ? 2 : 0;
  }
  if (!["create", "list", "revoke"].includes(verb)) {
    throw new ConfigError(`unknown keys command "${verb}" (create, list or revoke)`);
  }
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
    switch (verb) {
      case "create": {
        const key: AccessKeyRecord = {
          accessKeyId: newAccessKeyId(),
          secretAccessKey: newSecretAccessKey(),
          description: values.description ?? null,
          createdAt: Date.now(),
          revokedAt: null,
        };
        await store.transaction((tx) => tx.accessKeys.create(key));
        if (values.json) {
          process.stdout.write(
            `${JSON.stringify({ AccessKeyId: key.accessKeyId, SecretAccessKey: key.secretAccessKey })}\n`,
          );
        } else {
          process.stdout.write(
            [
              "Access key created. The secret is shown only now: keep it somewhere safe.",
              `AccessKeyId:     ${key.accessKeyId}`,
              `SecretAccessKey: ${key.secretAccessKey}`,
              "",
              "Clients sign admin calls with it, e.g.:",
              `  AWS_ACCESS_KEY_ID=${key.accessKeyId} AWS_SECRET_ACCESS_KEY=<secret> AWS_DEFAULT_REGION=${config.region} aws cognito-idp list-user-pools --max-results 10 --endpoint-url <server URL>`,
              "",
            ].join("\n"),
          );
        }
        return 0;
      }
      case "list": {
        const keys = (await store.read.accessKeys.list()).map(describe);
        if (values.json) {
          process.stdout.write(`${JSON.stringify({ AccessKeys: keys })}\n`);
        } else if (keys.length === 0) {
          process.stdout.write("No access keys. Create one with `cognate keys create`.\n");
        } else {
          for (const k of keys) {
            process.stdout.write(
              `${k.AccessKeyId}  ${String(k.Status).padEnd(7)}  created ${k.CreateDate}${k.RevokeDate ? `  revoked ${k.RevokeDate}` : ""}${k.Description ? `  ${k.Description}` : ""}\n`,
            );
          }
        }
        return 0;
      }
      default: {
        const id = rest[0];
        if (!id) throw new ConfigError("keys revoke needs the access key id to revoke");
        const done = await store.transaction((tx) => tx.accessKeys.revoke(id, Date.now()));
        if (!done) {
          process.stderr.write(`cognate: no active access key ${id}\n`);
          return 1;
        }
        process.stdout.write(`Revoked ${id}.\n`);
        return 0;
      }
    }
  } finally {
    await store.close();
  }
}
