// The message that carries a one-time code: the delivery plan, the pool's template, the
// CustomMessage trigger's rewrite and the rendered outbox row. Nothing is written here; the
// code service (codes.ts) hands the row to the caller's transaction.
//
// When the pool has a custom sender for the medium (CustomEmailSender / CustomSMSSender),
// Cognito sends nothing itself and invokes that function instead: the row then goes to the
// custom sender transport (adapters/triggers/customSender.ts), which encrypts the code and
// invokes the function from the outbox, and CustomMessage is not run, since the sender event
// carries no message for it to rewrite (an inference: Cognito's documentation describes no
// CustomMessage run for custom senders).

import { linkBaseUrl } from "../config/urls.js";
import type { CustomMessageSource } from "../domain/codePurposes.js";
import type { DeliveryTarget } from "../domain/delivery.js";
import { timeOrderedId } from "../domain/ids.js";
import { CODE_PLACEHOLDER, type MessageTemplate, render, USERNAME_PLACEHOLDER } from "../domain/templates.js";
import {
  awsSdkVersion,
  customMessageEvent,
  EMAIL_MESSAGE_PATTERN_TEXT,
  type EventContext,
  emailMessageMatchesModel,
  senderTriggerFor,
  senderTriggerSource,
} from "../domain/triggerEvents.js";
import type { Deps } from "../operations/deps.js";
import type { DeliveryPlan } from "../ports/delivery.js";
import type { OutboxMessage, PoolRecord } from "../ports/store/index.js";
import type { SenderTrigger } from "../ports/triggers.js";
import { fail } from "../protocol/errors.js";

// Cognito's limits on what a CustomMessage function may return (developer guide quotas).
const MAX_EMAIL_CHARS = 20_000;
const MAX_SMS_CHARS = 140;
const MAX_SUBJECT_CHARS = 140;

/** How a message to `target` leaves: a transport of ours, or the pool's custom sender. */
export interface Route {
  plan: DeliveryPlan;
  /** The custom sender that delivers instead of us, or null. */
  sender: SenderTrigger | null;
}

/** Decides the route before anything is written; throws CodeDeliveryFailureException & co. */
export function route(
  deps: Pick<Deps, "delivery" | "triggers">,
  pool: PoolRecord,
  target: DeliveryTarget,
): Route {
  const sender = senderTriggerFor(target.medium);
  // A custom sender needs no transport of ours, so none has to be available.
  if (deps.triggers.configured(pool, sender) !== null) {
    return { plan: { transport: sender, recordOnly: false }, sender };
  }
  return { plan: deps.delivery.plan(pool, target.medium, target.destination), sender: null };
}

function checkLambdaText(
  value: unknown,
  what: string,
  max: number,
  needsCode: boolean,
  needsUsername = false,
): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== "string")
    fail("InvalidLambdaResponseException", "Invalid lambda function output : Invalid JSON");
  if (needsCode && !value.includes(CODE_PLACEHOLDER)) {
    fail(
      "InvalidLambdaResponseException",
      `Invalid lambda function output : ${what} must contain the code parameter {####}`,
    );
  }
  // An invitation's rewrite "must include both request.usernameParameter and
  // request.codeParameter" (developer guide, CustomMessage_AdminCreateUser).
  if (needsUsername && !value.includes(USERNAME_PLACEHOLDER)) {
    fail(
      "InvalidLambdaResponseException",
      `Invalid lambda function output : ${what} must contain the username parameter {username}`,
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

/** Runs the pool's CustomMessage function, if any, and applies its answer to `template`. */
export async function applyCustomMessage(
  deps: Pick<Deps, "triggers">,
  pool: PoolRecord,
  template: MessageTemplate,
  medium: "EMAIL" | "SMS",
  a: {
    source: CustomMessageSource;
    eventContext: EventContext;
    userAttributes: Record<string, string>;
    clientMetadata: Record<string, string> | undefined;
  },
): Promise<void> {
  if (!deps.triggers.configured(pool, "CustomMessage")) return;
  const event = customMessageEvent(a.eventContext, a.source, a.userAttributes, a.clientMetadata);
  const response = await deps.triggers.invoke(pool, "CustomMessage", event);
  const invitation = a.source === "CustomMessage_AdminCreateUser";
  if (medium === "SMS") {
    const sms = checkLambdaText(response.smsMessage, "smsMessage", MAX_SMS_CHARS, true, invitation);
    if (sms !== undefined) template.body = sms;
    return;
  }
  // In link mode the function may return a message with the link placeholder instead.
  const email = checkLambdaText(
    response.emailMessage,
    "emailMessage",
    MAX_EMAIL_CHARS,
    !template.link,
    invitation,
  );
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

/** The outbox row for a rendered code message. */
export function outboxRow(
  deps: Pick<Deps, "config" | "random">,
  a: {
    pool: PoolRecord;
    clientId: string | null;
    username: string;
    target: DeliveryTarget;
    route: Route;
    template: MessageTemplate;
    code: string;
    source: CustomMessageSource;
    now: number;
    /** The name `{username}` stands for, when it is not `username` (invitations). */
    displayUsername?: string;
  },
): OutboxMessage {
  const { plan, sender } = a.route;
  const rendered = render(a.template, {
    code: a.code,
    username: a.displayUsername ?? a.username,
    linkBaseUrl: linkBaseUrl(deps.config),
    clientId: a.clientId,
  });
  // The dev inbox shows the code; a custom sender needs it at delivery time to encrypt it
  // (production mode scrubs it, with the body, once delivered).
  const keepCode = (deps.config.mode === "dev" && deps.config.devInbox) || sender !== null;
  return {
    id: timeOrderedId(deps.random, a.now),
    poolId: a.pool.id,
    clientId: a.clientId,
    username: a.username,
    medium: a.target.medium,
    attributeName: a.target.attributeName,
    destination: a.target.destination,
    subject: rendered.subject,
    body: rendered.body,
    code: keepCode ? a.code : null,
    triggerSource: sender ? senderTriggerSource(a.source, sender) : a.source,
    createdAt: a.now,
    // For the dev inbox, recorded is delivered: no dispatcher round trip.
    status: plan.recordOnly ? "sent" : "queued",
    transport: plan.transport,
    attempts: plan.recordOnly ? 1 : 0,
    lastError: null,
    nextAttemptAt: a.now,
    sentAt: plan.recordOnly ? a.now : null,
  };
}

/** What the custom sender event needs but the row must not hold (ClientMetadata) travels in memory. */
export function holdForSender(
  deps: Pick<Deps, "triggers">,
  message: OutboxMessage,
  a: {
    userAgent: string | undefined;
    clientMetadata: Record<string, string> | undefined;
    userAttributes: Record<string, string>;
  },
): void {
  deps.triggers.holdSenderContext(message.id, {
    awsSdkVersion: awsSdkVersion(a.userAgent),
    clientMetadata: a.clientMetadata,
    userAttributes: a.userAttributes,
  });
}
