// From the server configuration to the delivery pieces: which transport serves which kind of
// pool, and the transports themselves. Chosen once at start-up; a choice that names a
// transport without its settings is a configuration error, reported before listening.
// A transport's module is loaded only when it is chosen: the AWS SDK clients, nodemailer and
// html-to-text take about half a second to load, which a dev server on the inbox never needs.
import { ConfigError, type ServerConfig } from "../../config/config.js";
import type { Transport } from "../../ports/transport.js";
import type { DeliverySettings, EmailTransportName, SmsTransportName } from "./policy.js";

/** The URL without its password (and query, which may hold a token), for logs and messages. */
export function redactUrl(url: string, dropQuery = false): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    if (dropQuery) u.search = "";
    return u.toString();
  } catch {
    return "(unparseable URL)";
  }
}

export interface DeliverySetup {
  settings: DeliverySettings;
  /** The real transports (the inbox transport is always there besides these). */
  transports: Transport[];
  /** One line for the start-up banner, without secrets. */
  describe: string;
  close(): Promise<void>;
}

export async function setupDelivery(config: ServerConfig, now: () => number): Promise<DeliverySetup> {
  const dev = config.mode === "dev";
  const { email, sms } = config;
  const inferredDeveloper: EmailTransportName | null = config.ses
    ? "ses"
    : email.smtpUrl
      ? "smtp"
      : dev
        ? "inbox"
        : null;
  const cognitoDefault: EmailTransportName | null =
    email.defaultTransport ?? (email.smtpUrl ? "smtp" : dev ? "inbox" : null);
  const developer: EmailTransportName | null = email.developerTransport ?? inferredDeveloper;
  const smsTransport: SmsTransportName | null =
    sms.transport === "http"
      ? "http-sms"
      : (sms.transport ?? (sms.webhookUrl ? "http-sms" : config.sns ? "sns" : dev ? "inbox" : null));

  const chosen = new Set<string>([cognitoDefault, developer, smsTransport].filter((t) => t !== null));
  if (!dev && chosen.has("inbox")) {
    throw new ConfigError(
      'the "inbox" transport only exists in dev mode (the dev inbox is off in production)',
    );
  }
  if (chosen.has("smtp") && !email.smtpUrl) {
    throw new ConfigError("email transport smtp needs email.smtpUrl (--smtp-url, COGNATE_SMTP_URL)");
  }
  if (chosen.has("http-sms") && !sms.webhookUrl) {
    throw new ConfigError("sms.transport http needs sms.webhookUrl (--sms-webhook, COGNATE_SMS_WEBHOOK)");
  }

  const settings: DeliverySettings = {
    email: {
      cognitoDefault,
      developer,
      from: email.from,
      allowedSourceArns: email.allowedSourceArns ?? null,
    },
    sms: {
      transport: smsTransport,
      sandbox: { enabled: sms.sandbox.enabled, verifiedNumbers: new Set(sms.sandbox.verifiedNumbers) },
      roles: config.sns?.roles ?? null,
    },
  };

  const transports: Transport[] = [];
  if (chosen.has("smtp") && email.smtpUrl) {
    const { SmtpTransport } = await import("./smtp.js");
    transports.push(new SmtpTransport({ url: email.smtpUrl, ...email.smtp }, settings));
  }
  if (chosen.has("ses")) {
    const { SesTransport } = await import("./ses.js");
    transports.push(new SesTransport(config.ses ?? {}, config.region, settings));
  }
  if (chosen.has("sns")) {
    const { SnsTransport } = await import("./sns.js");
    transports.push(new SnsTransport(config.sns ?? {}, config.region, settings));
  }
  if (chosen.has("http-sms") && sms.webhookUrl && sms.webhookSecret) {
    const { HttpSmsTransport } = await import("./httpSms.js");
    transports.push(
      new HttpSmsTransport(
        { url: sms.webhookUrl, secret: sms.webhookSecret, timeoutMs: sms.webhookTimeoutMs },
        now,
      ),
    );
  }

  const where = (t: string | null) =>
    t === null
      ? "none"
      : t === "smtp" && email.smtpUrl
        ? `smtp ${redactUrl(email.smtpUrl)}`
        : t === "http-sms" && sms.webhookUrl
          ? `http ${redactUrl(sms.webhookUrl, true)}`
          : t;
  const describe =
    `email: ${where(cognitoDefault)} (COGNITO_DEFAULT), ${where(developer)} (DEVELOPER); ` +
    `sms: ${where(smsTransport)}${sms.sandbox.enabled ? " (sandbox)" : ""}`;

  return {
    settings,
    transports,
    describe,
    async close() {
      await Promise.all(transports.map((t) => t.close?.()));
    },
  };
}
