// Email over SMTP (nodemailer): smtp:// upgrades with STARTTLS when the server offers it (or
// must, with requireTls), smtps:// speaks TLS from the first byte; credentials come from the
// URL. Connections are pooled, so a burst of codes does not pay a handshake per message.
import { readFileSync } from "node:fs";
import nodemailer from "nodemailer";
import type { OutboxMessage, PoolRecord } from "../../ports/store/index.js";
import { PermanentDeliveryError, type Transport } from "../../ports/transport.js";
import { atSendTime, smtpFailure } from "./failures.js";
import { emailParts, MESSAGE_ID_HEADER, messageIdFor } from "./mime.js";
import { type DeliverySettings, emailRoute } from "./policy.js";

export interface SmtpOptions {
  url: string;
  caFile?: string | undefined;
  rejectUnauthorized: boolean;
  requireTls: boolean;
  timeoutMs: number;
  maxConnections: number;
}

export class SmtpTransport implements Transport {
  readonly name = "smtp";
  readonly #settings: DeliverySettings;
  readonly #mailer: ReturnType<typeof createMailer>;

  constructor(opts: SmtpOptions, settings: DeliverySettings) {
    this.#settings = settings;
    this.#mailer = createMailer(opts);
  }

  async send(m: OutboxMessage, pool: PoolRecord | undefined): Promise<void> {
    if (!pool) throw new PermanentDeliveryError(`user pool ${m.poolId} no longer exists`);
    const route = atSendTime(() => emailRoute(pool, this.#settings));
    const { html, text } = emailParts(m.body, m.username);
    try {
      await this.#mailer.sendMail({
        from: route.from,
        to: m.destination,
        ...(route.replyTo ? { replyTo: route.replyTo } : {}),
        subject: m.subject ?? "",
        text,
        html,
        messageId: messageIdFor(m, route.from),
        headers: { [MESSAGE_ID_HEADER]: m.id },
      });
    } catch (e) {
      throw smtpFailure(e);
    }
  }

  async close(): Promise<void> {
    this.#mailer.close();
  }
}

function createMailer(opts: SmtpOptions) {
  const u = new URL(opts.url);
  const secure = u.protocol === "smtps:";
  const port = u.port ? Number(u.port) : secure ? 465 : 587;
  const user = decodeURIComponent(u.username);
  return nodemailer.createTransport({
    pool: true,
    maxConnections: opts.maxConnections,
    host: u.hostname.replace(/^\[(.*)\]$/, "$1"),
    port,
    secure,
    requireTLS: !secure && opts.requireTls,
    ...(user ? { auth: { user, pass: decodeURIComponent(u.password) } } : {}),
    tls: {
      rejectUnauthorized: opts.rejectUnauthorized,
      ...(opts.caFile ? { ca: readFileSync(opts.caFile) } : {}),
    },
    connectionTimeout: opts.timeoutMs,
    greetingTimeout: opts.timeoutMs,
    socketTimeout: opts.timeoutMs,
    // Messages are strings we rendered; never let content pull in files or URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
  });
}
