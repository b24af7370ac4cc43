// Per-pool delivery decisions, shared by the gate (before anything is written, where a fault
// fails the request) and the transports (at send time, from the pool as it is then). Pure
// functions of the pool's EmailConfiguration/SmsConfiguration and the server's settings.
import type { PoolRecord } from "../../ports/store/index.js";
import { fail } from "../../protocol/errors.js";

/** Transport names as stored in outbox rows. */
export type EmailTransportName = "inbox" | "smtp" | "ses";
export type SmsTransportName = "inbox" | "sns" | "http-sms";

export interface DeliverySettings {
  email: {
    /** Pools on COGNITO_DEFAULT; null = none configured. */
    cognitoDefault: EmailTransportName | null;
    /** Pools on DEVELOPER; null = none configured. */
    developer: EmailTransportName | null;
    /** From address of COGNITO_DEFAULT pools without a SourceArn. */
    from: string;
    /** SES identity ARN patterns pools may use; null = any. */
    allowedSourceArns: string[] | null;
  };
  sms: {
    transport: SmsTransportName | null;
    sandbox: { enabled: boolean; verifiedNumbers: ReadonlySet<string> };
    /** Role ARN patterns pools may name, with the ExternalId each demands; null = any. */
    roles: { arn: string; externalId?: string | undefined }[] | null;
  };
}

export interface EmailRoute {
  transport: EmailTransportName;
  account: "COGNITO_DEFAULT" | "DEVELOPER";
  /** RFC 5322 From: an address, or `Name <address>`. */
  from: string;
  replyTo: string | null;
  /** The SES identity ARN the pool sends as (DEVELOPER), or whose address it borrows. */
  sourceArn: string | null;
  configurationSet: string | null;
}

export interface SmsRoute {
  transport: SmsTransportName;
  roleArn: string | null;
  externalId: string | null;
  region: string | null;
}

/** `*` matches any run of characters; everything else literally. */
export function matchesPattern(pattern: string, value: string): boolean {
  const re = pattern.split("*").map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"));
  return new RegExp(`^${re.join(".*")}$`).test(value);
}

const SES_IDENTITY_ARN = /^arn:aws[a-z-]*:ses:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:identity\/(.+)$/;
const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

/** The bare address of `addr` or `Name <addr>`. */
export function bareAddress(from: string): string {
  const m = /<([^<>]+)>\s*$/.exec(from);
  return (m?.[1] ?? from).trim();
}

function noDelivery(reason: string): never {
  fail("CodeDeliveryFailureException", `Unable to deliver the code: ${reason}`);
}

/**
 * How a pool's email goes out. Faults in the pool's EmailConfiguration fail the request:
 * Cognito cannot send with them either.
 */
export function emailRoute(pool: PoolRecord, s: DeliverySettings): EmailRoute {
  const ec = pool.config.EmailConfiguration ?? {};
  const account = ec.EmailSendingAccount === "DEVELOPER" ? "DEVELOPER" : "COGNITO_DEFAULT";
  const sourceArn = ec.SourceArn ?? null;
  let identity: string | null = null;
  if (sourceArn !== null) {
    const m = SES_IDENTITY_ARN.exec(sourceArn);
    if (!m?.[1]) noDelivery(`EmailConfiguration.SourceArn ${sourceArn} is not an Amazon SES identity ARN.`);
    identity = m[1];
    const allowed = s.email.allowedSourceArns;
    if (allowed && !allowed.some((p) => matchesPattern(p, sourceArn))) {
      fail(
        "InvalidEmailRoleAccessPolicyException",
        `Amazon Cognito is not allowed to use the email identity ${sourceArn}.`,
      );
    }
  }
  const identityAddress = identity !== null && EMAIL.test(identity) ? identity : null;
  let from: string;
  let transport: EmailTransportName | null;
  if (account === "DEVELOPER") {
    // "DEVELOPER: Amazon Cognito emails your users with this address by calling Amazon SES
    // on your behalf" (EmailConfigurationType.SourceArn): no identity, no sender.
    if (sourceArn === null)
      noDelivery("EmailConfiguration.SourceArn is required when EmailSendingAccount is DEVELOPER.");
    const chosen = ec.From ?? identityAddress;
    if (chosen === null) {
      noDelivery(`EmailConfiguration.From is required when SourceArn names a domain (${sourceArn}).`);
    }
    if (!EMAIL.test(bareAddress(chosen)))
      noDelivery(`EmailConfiguration.From "${chosen}" is not an email address.`);
    from = chosen;
    transport = s.email.developer;
  } else {
    // COGNITO_DEFAULT: the built-in sender; a SourceArn only lends its address as FROM.
    from = identityAddress ?? s.email.from;
    transport = s.email.cognitoDefault;
  }
  if (transport === null) {
    noDelivery(`no email transport is configured for EmailSendingAccount ${account}.`);
  }
  const replyTo = ec.ReplyToEmailAddress ?? null;
  if (replyTo !== null && !EMAIL.test(bareAddress(replyTo))) {
    noDelivery(`EmailConfiguration.ReplyToEmailAddress "${replyTo}" is not an email address.`);
  }
  return { transport, account, from, replyTo, sourceArn, configurationSet: ec.ConfigurationSet ?? null };
}

/**
 * How a pool's SMS goes out. The role checks stand in for IAM: a role that is no role, or
 * one the server's configuration does not list, cannot publish (access policy); a listed role
 * whose ExternalId does not match would refuse to be assumed (trust relationship).
 */
export function smsRoute(pool: PoolRecord, destination: string, s: DeliverySettings): SmsRoute {
  const sc = pool.config.SmsConfiguration;
  const roleArn = sc?.SnsCallerArn ?? null;
  const externalId = sc?.ExternalId ?? null;
  if (roleArn !== null) {
    if (!IAM_ROLE_ARN.test(roleArn)) {
      fail(
        "InvalidSmsRoleAccessPolicyException",
        `SmsConfiguration.SnsCallerArn ${roleArn} is not an IAM role that can publish to Amazon SNS.`,
      );
    }
    const roles = s.sms.roles;
    if (roles) {
      const listed = roles.find((r) => matchesPattern(r.arn, roleArn));
      if (!listed) {
        fail(
          "InvalidSmsRoleAccessPolicyException",
          `Role ${roleArn} does not have permission to publish with SNS.`,
        );
      }
      if (listed.externalId !== undefined && listed.externalId !== externalId) {
        fail(
          "InvalidSmsRoleTrustRelationshipException",
          "Role does not have a trust relationship allowing Cognito to assume the role.",
        );
      }
    }
  }
  if (s.sms.sandbox.enabled && !s.sms.sandbox.verifiedNumbers.has(destination)) {
    // The number stays out of the message: a resend's caller need not know it.
    noDelivery("the phone number is not verified and SMS delivery is in sandbox mode.");
  }
  const transport = s.sms.transport;
  if (transport === null) noDelivery("no SMS transport is configured.");
  return { transport, roleArn, externalId, region: sc?.SnsRegion ?? null };
}
