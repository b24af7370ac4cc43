// `cognate messages`: the outbox as a table (or JSON), read straight from the store, so it
// works whether or not a server is running and in production mode too (no dev inbox there).
import { parseArgs } from "node:util";
import { openStore } from "../adapters/store/open.js";
import { ConfigError, loadConfig } from "../config/config.js";
import { toDevMessage } from "../http/devInbox.js";
import type { MessageFilter, MessageStatus } from "../ports/store/index.js";

export const MESSAGES_USAGE = `Usage: cognate messages [options]

Lists outgoing messages (codes) with their delivery status, oldest first.

  --db PATH|URL      The store to read (COGNATE_DB, default ./.cognate/cognate.db)
  --config FILE      Configuration file (for db)
  --pool ID          Only this user pool
  --status STATUS    queued | sent | failed
  --username NAME    Only this user (or destination)
  --limit N          At most N messages (the newest N)
  --json             JSON (the dev inbox's message records) instead of a table
`;

const STATUSES: MessageStatus[] = ["queued", "sent", "failed"];

function cell(v: string, width: number): string {
  const flat = v.replace(/\s+/g, " ");
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat.padEnd(width);
}

export async function messagesCommand(args: string[], out: NodeJS.WritableStream): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      db: { type: "string" },
      config: { type: "string" },
      pool: { type: "string" },
      status: { type: "string" },
      username: { type: "string" },
      limit: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    out.write(MESSAGES_USAGE);
    return 0;
  }
  const config = loadConfig({
    file: values.config,
    env: process.env,
    flags: values.db ? { db: values.db } : {},
  });
  const filter: MessageFilter = {};
  if (values.pool) filter.userPoolId = values.pool;
  if (values.username) filter.username = values.username;
  if (values.status !== undefined) {
    const status = values.status as MessageStatus;
    if (!STATUSES.includes(status)) {
      throw new ConfigError(`--status must be one of ${STATUSES.join(", ")}, got "${values.status}"`);
    }
    filter.status = status;
  }
  let limit: number | undefined;
  if (values.limit !== undefined) {
    limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) {
      throw new ConfigError(`--limit must be a positive whole number, got "${values.limit}"`);
    }
  }
  // Messages are not sealed: reading them needs no server secret (production included).
  const opened = await openStore(config.db, { withoutSecret: true });
  try {
    let rows = await opened.store.read.outbox.list(
      limit === undefined ? filter : { ...filter, order: "desc", limit },
    );
    if (limit !== undefined) rows = rows.reverse();
    const records = rows.map(toDevMessage);
    if (values.json) {
      out.write(`${JSON.stringify(records, null, 2)}\n`);
      return 0;
    }
    const head = [
      cell("CREATED", 24),
      cell("ID", 36),
      cell("POOL", 26),
      cell("USERNAME", 20),
      cell("MEDIUM", 6),
      cell("DESTINATION", 28),
      cell("STATUS", 6),
      cell("TRANSPORT", 9),
      cell("ATT", 3),
      "LAST ERROR",
    ];
    out.write(`${head.join("  ").trimEnd()}\n`);
    for (const r of records) {
      const line = [
        cell(r.createdAt, 24),
        cell(r.id, 36),
        cell(r.userPoolId, 26),
        cell(r.username, 20),
        cell(r.medium, 6),
        cell(r.destination, 28),
        cell(r.delivery.status, 6),
        cell(r.delivery.transport, 9),
        cell(String(r.delivery.attempts), 3),
        (r.delivery.lastError ?? "").replace(/\s+/g, " "),
      ];
      out.write(`${line.join("  ").trimEnd()}\n`);
    }
    out.write(`${records.length} message${records.length === 1 ? "" : "s"}\n`);
    return 0;
  } finally {
    await opened.store.close();
  }
}
