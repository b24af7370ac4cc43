// `cognate secret generate|export|rotate`: the server secret's life outside the database
// (docs/secrets.md). It keys the code HMACs and seals client and access-key secrets.
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { createKeyFile, newSecretText, readKeyFile } from "../adapters/store/keyFile.js";
import { exportServerSecret, openStore } from "../adapters/store/open.js";
import { decodeSecret } from "../adapters/store/serverSecret.js";
import { ConfigError, loadConfig } from "../config/config.js";

export const SECRET_USAGE = `Usage: cognate secret <generate|export|rotate> [options]

  secret generate [--out FILE]
      A new server secret (32 random bytes, base64): printed, or written to FILE (0600).
  secret export --out FILE
      Moves the server secret an earlier version kept inside the database out into FILE
      (0600) and deletes it from the database. Then start with --server-secret-file FILE.
  secret rotate --new-secret-file FILE
      Re-seals every client secret and access key under the secret in FILE (generated there
      when FILE does not exist) and makes it the database's secret. Stop every node first,
      then start them with the new secret. Codes sent before cannot be re-keyed: they stop
      matching, and users ask for a new one (ResendConfirmationCode).

Options (the store and its current secret are found as for \`serve\`):
  --db PATH|URL               SQLite file or postgres://…          (COGNATE_DB)
  --config FILE               configuration file                   (COGNATE_CONFIG)
  --server-secret-file FILE   the current secret's key file        (COGNATE_SERVER_SECRET_FILE)
  --mode MODE                 dev or production                    (COGNATE_MODE)
`;

export async function secretCommand(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      db: { type: "string" },
      config: { type: "string" },
      mode: { type: "string" },
      "server-secret-file": { type: "string" },
      "new-secret-file": { type: "string" },
      out: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
    strict: true,
  });
  const [verb] = positionals;
  if (values.help || verb === undefined || verb === "help") {
    out.write(SECRET_USAGE);
    return verb === undefined && !values.help ? 2 : 0;
  }
  if (verb === "generate") {
    const text = newSecretText();
    if (values.out === undefined) {
      out.write(`${text}\n`);
      return 0;
    }
    if (existsSync(values.out)) throw new ConfigError(`${values.out} exists already; choose a new file`);
    createKeyFile(values.out, text);
    out.write(`Wrote a new server secret to ${values.out} (mode 0600).\n`);
    return 0;
  }
  if (verb !== "export" && verb !== "rotate") {
    throw new ConfigError(`unknown secret command "${verb}" (generate, export or rotate)`);
  }
  const flags: Record<string, unknown> = {};
  if (values.db !== undefined) flags.db = values.db;
  if (values.mode !== undefined) flags.mode = values.mode;
  if (values["server-secret-file"] !== undefined) flags.serverSecretFile = values["server-secret-file"];
  const config = loadConfig({ file: values.config, env: process.env, flags });

  if (verb === "export") {
    if (values.out === undefined) throw new ConfigError("secret export needs --out FILE");
    if (!(await exportServerSecret(config.db, values.out))) {
      out.write("This database holds no server secret: there is nothing to export.\n");
      return 1;
    }
    out.write(
      [
        `Moved the database's server secret to ${values.out} (mode 0600); the database no longer holds it.`,
        `Start every node with --server-secret-file ${values.out} (or COGNATE_SERVER_SECRET_FILE).`,
        "",
      ].join("\n"),
    );
    return 0;
  }

  const file = values["new-secret-file"];
  if (file === undefined) throw new ConfigError("secret rotate needs --new-secret-file FILE");
  const opened = await openStore(config.db, {
    mode: config.mode,
    serverSecret: config.serverSecret,
    serverSecretFile: config.serverSecretFile,
  });
  try {
    const made = !existsSync(file);
    const text = made ? createKeyFile(file, newSecretText()) : readKeyFile(file);
    const next = decodeSecret(text, `the key file ${file}`);
    if (next.equals(opened.serverSecret)) {
      throw new ConfigError(`${file} holds the current server secret; give a new one`);
    }
    const r = await opened.resealUnder(next, Date.now());
    out.write(
      [
        `${made ? `Generated a new server secret in ${file} (mode 0600) and re-sealed` : "Re-sealed"} ${r.clientSecrets} client secret(s), ${r.accessKeys} access key(s) and ${r.signingKeys} token signing key(s) under it.`,
        r.devKeyFile === null
          ? `Start every node with the new secret: --server-secret-file ${file} (or COGNATE_SERVER_SECRET_FILE); the old one is refused from now on.`
          : `The dev-mode key file ${r.devKeyFile} now holds it too.`,
        r.pendingCodes === 0
          ? "No code was pending."
          : `${r.pendingCodes} code(s) sent before now can no longer be checked (code HMACs cannot be re-keyed): ConfirmSignUp answers CodeMismatchException for them, and those users ask for a new code.`,
        "",
      ].join("\n"),
    );
    return 0;
  } finally {
    await opened.store.close();
  }
}
