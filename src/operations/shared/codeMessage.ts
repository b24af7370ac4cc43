// Preparing a confirmation-code message: the delivery plan, a fresh code, the pool's
// template, the CustomMessage trigger's rewrite, the rendered outbox row and the code record.
// Nothing is written here; the caller stores both in its transaction.
//
// When the pool has a custom sender for the medium (CustomEmailSender / CustomSMSSender),
// Cognito sends nothing itself and invokes that function instead: the row then goes to the
// custom sender transport (adapters/triggers/customSender.ts), which encrypts the code and
// invokes the function from the outbox, and CustomMessage is not run, since the sender event
// carries no message for it to rewrite [INF; COGNITO-BEHAVIOUR.md §10 q11].

import { CODE_VALIDITY_MS, codeHmac, generateCode } from "../../domain/codes.js";
import type { DeliveryTarget } from "../../domain/delivery.js";
import { timeOrderedId } from "../../domain/ids.js";
import { CODE_PLACEHOLDER, render, verificationTemplate } from "../../domain/templates.js";
import {
  awsSdkVersion,
  customMessageEvent,
  EMAIL_MESSAGE_PATTERN_TEXT,
  type EventContext,
  emailMessageMatchesModel,
  senderTriggerFor,
  senderTriggerSource,
} from "../../domain/triggerEvents.js";
import type { CodeRecord, OutboxMessage, PoolRecord, UserRecord } from "../../ports/store/index.js";
import { fail } from "../../protocol/errors.js";
import type { Deps } from "../deps.js";

export interface PreparedCode {
  code: string;
  record: CodeRecord;
  message: OutboxMessage;
}

// Cognito's limits on what a CustomMessage function may return (developer guide quotas).
const MAX_EMAIL_CHARS = 20_000;
const MAX_SMS_CHARS = 140;
const MAX_SUBJECT_CHARS = 140;

function checkLambdaText(value: unknown, what: string, max: number, needsCode: boolean): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== "string")
    fail("InvalidLambdaResponseException", "Invalid lambda function output : Invalid JSON");
  if (needsCode && !value.includes(CODE_PLACEHOLDER)) {
    fail(
      "InvalidLambdaResponseException",
      `Invalid lambda function output : ${what} must contain the code parameter {####}`,
    );
  }
  if (value.length > max) {
    fail(
      "InvalidLambdaResponseException",
      `Invalid lambda function output : ${what} is longer than ${max} characters`,
    );
  }
  return value;
}

export async function prepareCodeMessage(
  deps: Pick<Deps, "clock" | "random" | "serverSecret" | "delivery" | "triggers" | "config">,
  a: {
    pool: PoolRecord;
    clientId: string | null;
    user: UserRecord;
    target: DeliveryTarget;
    triggerSource: "CustomMessage_SignUp" | "CustomMessage_ResendCode";
    clientMetadata: Record<string, string> | undefined;
    eventContext: EventContext;
    userAttributes: Record<string, string>;
  },
): Promise<PreparedCode> {
  const sender = senderTriggerFor(a.target.medium);
  const viaSender = deps.triggers.configured(a.pool, sender) !== null;
  // A custom sender needs no transport of ours, so none has to be available.
  const plan = viaSender
    ? { transport: sender, recordOnly: false }
    : deps.delivery.plan(a.pool, a.target.medium, a.target.destination);
  const transport = plan.transport;
  const now = deps.clock.now();
  const code = generateCode(deps.random);
  const template = verificationTemplate(a.pool.config, a.target.medium);

  if (!viaSender && deps.triggers.configured(a.pool, "CustomMessage")) {
    const event = customMessageEvent(a.eventContext, a.triggerSource, a.userAttributes, a.clientMetadata);
    const response = await deps.triggers.invoke(a.pool, "CustomMessage", event);
    if (a.target.medium === "SMS") {
      const sms = checkLambdaText(response.smsMessage, "smsMessage", MAX_SMS_CHARS, true);
      if (sms !== undefined) template.body = sms;
    } else {
      // In link mode the function may return a message with the link placeholder instead.
      const email = checkLambdaText(response.emailMessage, "emailMessage", MAX_EMAIL_CHARS, !template.link);
      if (email !== undefined && !template.link && !emailMessageMatchesModel(email)) {
        fail(
          "InvalidParameterException",
          `1 validation error detected: Value '${email}' at 'emailBody' failed to satisfy constraint: Member must satisfy regular expression pattern: ${EMAIL_MESSAGE_PATTERN_TEXT}`,
        );
      }
      if (email !== undefined) template.body = email;
      const subject = checkLambdaText(response.emailSubject, "emailSubject", MAX_SUBJECT_CHARS, false);
      if (subject !== undefined) template.subject = subject;
    }
  }

  const linkBaseUrl = deps.config.publicUrl ?? `http://${deps.config.host}:${deps.config.port}`;
  const rendered = render(template, { code, username: a.user.username, linkBaseUrl, clientId: a.clientId });
  const hmac = codeHmac(deps.serverSecret, a.pool.id, a.user.username, "SIGNUP", code);
  const record: CodeRecord = {
    poolId: a.pool.id,
    username: a.user.username,
    purpose: "SIGNUP",
    codeHmac: hmac,
    // Filled in by the caller's transaction from the code this one supersedes.
    previous: [],
    attributeName: a.target.attributeName,
    issuedAt: now,
    expiresAt: now + CODE_VALIDITY_MS,
    failedAttempts: 0,
    consumedAt: null,
  };
  // The dev inbox shows the code; a custom sender needs it at delivery time to encrypt it
  // (production mode scrubs it, with the body, once delivered).
  const keepCode = (deps.config.mode === "dev" && deps.config.devInbox) || viaSender;
  const message: OutboxMessage = {
    id: timeOrderedId(deps.random, now),
    poolId: a.pool.id,
    clientId: a.clientId,
    username: a.user.username,
    medium: a.target.medium,
    attributeName: a.target.attributeName,
    destination: a.target.destination,
    subject: rendered.subject,
    body: rendered.body,
    code: keepCode ? code : null,
    triggerSource: viaSender ? senderTriggerSource(a.triggerSource, sender) : a.triggerSource,
    createdAt: now,
    // For the dev inbox, recorded is delivered: no dispatcher round trip.
    status: plan.recordOnly ? "sent" : "queued",
    transport,
    attempts: plan.recordOnly ? 1 : 0,
    lastError: null,
    nextAttemptAt: now,
    sentAt: plan.recordOnly ? now : null,
  };
  if (viaSender) {
    // What the sender event needs but the row must not hold (ClientMetadata) travels in memory.
    deps.triggers.holdSenderContext(message.id, {
      awsSdkVersion: awsSdkVersion(a.eventContext.userAgent),
      clientMetadata: a.clientMetadata,
      userAttributes: a.userAttributes,
    });
  }
  return { code, record, message };
}
