// The delivery sections of the configuration: SMTP email, Amazon SES and SNS, the HTTP SMS
// gateway and its sandbox, and the outbox's retry policy (docs/delivery.md).
import { z } from "zod";
import { E164, REGION } from "./patterns.js";

const smtpOptions = z
  .object({
    /** PEM file with the CA certificate(s) to trust, e.g. a local server's self-signed one. */
    caFile: z.string().min(1).optional(),
    /** Verify the server's certificate (turn off only for throwaway local servers). */
    rejectUnauthorized: z.boolean().default(true),
    /** On smtp://, refuse to send unless the server offers STARTTLS. */
    requireTls: z.boolean().default(false),
    /** Connection, greeting and socket timeout (ms). */
    timeoutMs: z.number().int().min(100).default(10_000),
    /** Pooled connections kept open to the server. */
    maxConnections: z.number().int().min(1).max(100).default(5),
  })
  .strict();

export const emailSection = z
  .object({
    /** smtp://user:pass@host:port (STARTTLS when offered) or smtps://… (implicit TLS). */
    smtpUrl: z
      .string()
      .regex(/^smtps?:\/\/[^/]+/, "must be smtp://[user:pass@]host[:port] or smtps://…")
      .optional(),
    /** From address of pools on COGNITO_DEFAULT without a SourceArn (Cognito's own default). */
    from: z.string().min(3).default("no-reply@verificationemail.com"),
    /** Transport for COGNITO_DEFAULT pools: smtp when smtpUrl is set, else the dev inbox (dev mode). */
    defaultTransport: z.enum(["inbox", "smtp", "ses"]).optional(),
    /** Transport for DEVELOPER pools: ses when `ses` is configured, else smtp when smtpUrl is set. */
    developerTransport: z.enum(["inbox", "smtp", "ses"]).optional(),
    /** SES identity ARNs (`*` wildcards) pools may name in SourceArn; absent = any. */
    allowedSourceArns: z.array(z.string().min(1)).optional(),
    smtp: smtpOptions.default(smtpOptions.parse({})),
  })
  .strict();

const awsService = {
  /** Endpoint URL (a local stand-in, a VPC endpoint); default: the SDK's for the region. */
  endpoint: z.string().url().optional(),
  region: z.string().regex(REGION, "must be an AWS region such as us-east-1").optional(),
  /** Static credentials; default: the AWS SDK's credential chain (environment, profile, role). */
  accessKeyId: z.string().min(1).optional(),
  secretAccessKey: z.string().min(1).optional(),
  sessionToken: z.string().min(1).optional(),
};
const bothKeys = (v: { accessKeyId?: string | undefined; secretAccessKey?: string | undefined }) =>
  (v.accessKeyId === undefined) === (v.secretAccessKey === undefined);
const keysMessage = { message: "accessKeyId and secretAccessKey go together" };

export const sesSection = z.object(awsService).strict().refine(bothKeys, keysMessage);

export const snsSection = z
  .object({
    ...awsService,
    /**
     * The SMS roles pools may name in SmsConfiguration.SnsCallerArn (`*` wildcards), each with
     * the ExternalId its trust policy demands; absent = any well-formed role ARN.
     */
    roles: z
      .array(z.object({ arn: z.string().min(1), externalId: z.string().min(1).optional() }).strict())
      .optional(),
  })
  .strict()
  .refine(bothKeys, keysMessage);

const smsSandbox = z
  .object({
    /** Like the SNS SMS sandbox: SMS only to the verified numbers below. */
    enabled: z.boolean().default(false),
    verifiedNumbers: z
      .array(z.string().regex(E164, "must be an E.164 number such as +14155550123"))
      .default([]),
  })
  .strict();

export const smsSection = z
  .object({
    /** SMS transport: http when webhookUrl is set, else sns when `sns` is configured, else the dev inbox. */
    transport: z.enum(["inbox", "sns", "http"]).optional(),
    /** HTTP SMS gateway: each message is POSTed here as JSON, HMAC-signed. */
    webhookUrl: z.string().url().optional(),
    /** Key of the webhook's HMAC-SHA256 signature (≥ 16 characters). */
    webhookSecret: z.string().min(16).optional(),
    webhookTimeoutMs: z.number().int().min(100).default(10_000),
    sandbox: smsSandbox.default(smsSandbox.parse({})),
  })
  .strict()
  .refine((v) => v.webhookUrl === undefined || v.webhookSecret !== undefined, {
    message: "webhookUrl needs webhookSecret (--sms-webhook-secret, COGNATE_SMS_WEBHOOK_SECRET)",
  });

export const outboxSection = z
  .object({
    /** Delivery attempts before a message is marked failed. */
    maxAttempts: z.number().int().min(1).default(8),
    /** First retry delay; doubles per attempt (±50% jitter) up to maxDelayMs. */
    baseDelayMs: z.number().int().min(1).default(1000),
    maxDelayMs: z
      .number()
      .int()
      .min(1)
      .default(5 * 60_000),
    /** How long a node owns a message it is sending; after a crash, others wait this long. */
    leaseSeconds: z.number().min(0.1).default(60),
    /** How often an idle node looks for due retries and lapsed claims. */
    pollMs: z.number().int().min(10).default(1000),
    /** Sent messages are deleted this long after sending (failed ones are kept). 0 = keep all. */
    retentionHours: z
      .number()
      .min(0)
      .default(7 * 24),
  })
  .strict();
