// Cognito's Lambda trigger events, built exactly as Cognito sends them
// (COGNITO-BEHAVIOUR.md §5; types from @types/aws-lambda), and the checks on what a
// function may answer.
import type {
  CustomEmailSenderTriggerEvent,
  CustomMessageTriggerEvent,
  CustomSMSSenderTriggerEvent,
  PostConfirmationTriggerEvent,
  PreSignUpTriggerEvent,
} from "aws-lambda";
import type { UserRecord } from "../ports/store/index.js";
import type { SenderTrigger, TriggerName } from "../ports/triggers.js";

export const CLIENT_ID_NOT_APPLICABLE = "CLIENT_ID_NOT_APPLICABLE";

export interface EventContext {
  region: string;
  userPoolId: string;
  /** The internal username (a UUID in UsernameAttributes pools). */
  userName: string;
  clientId: string;
  userAgent: string | undefined;
}

/**
 * callerContext.awsSdkVersion: derived from the caller's user agent. Observed values are
 * `aws-sdk-js-3.1010.0` (SDK v3) and `aws-sdk-unknown-unknown` (browsers, Amplify, fetch).
 */
export function awsSdkVersion(userAgent: string | undefined): string {
  const m = /aws-sdk-(js|java|go|dotnet|php|ruby|rust|swift|kotlin)\/([\w.-]+)/i.exec(userAgent ?? "");
  if (m) return `aws-sdk-${m[1]?.toLowerCase()}-${m[2]}`;
  return "aws-sdk-unknown-unknown";
}

function envelope(ctx: EventContext, triggerSource: string) {
  return {
    version: "1",
    region: ctx.region,
    userPoolId: ctx.userPoolId,
    userName: ctx.userName,
    callerContext: { awsSdkVersion: awsSdkVersion(ctx.userAgent), clientId: ctx.clientId },
    triggerSource,
  };
}

/** userAttributes as triggers see them: all strings, with sub and cognito:user_status. */
export function eventAttributes(
  user: Pick<UserRecord, "sub" | "status" | "attributes" | "enabled">,
): Record<string, string> {
  return {
    sub: user.sub,
    ...user.attributes,
    "cognito:user_status": user.status,
  };
}

export function customMessageEvent(
  ctx: EventContext,
  triggerSource: CustomMessageTriggerEvent["triggerSource"],
  userAttributes: Record<string, string>,
  clientMetadata: Record<string, string> | undefined,
): CustomMessageTriggerEvent {
  const request: CustomMessageTriggerEvent["request"] = {
    userAttributes,
    codeParameter: "{####}",
    linkParameter: "{##Click Here##}",
    usernameParameter: null,
  };
  // clientMetadata is present only when the API request carried ClientMetadata.
  if (clientMetadata !== undefined) request.clientMetadata = clientMetadata;
  return {
    ...envelope(ctx, triggerSource),
    triggerSource,
    request,
    response: { smsMessage: null, emailMessage: null, emailSubject: null },
  } as CustomMessageTriggerEvent;
}

/**
 * PreSignUp's userAttributes: only what the caller submitted (plus the email or phone taken
 * from the sign-in name in UsernameAttributes pools). Captured PreSignUp_SignUp events carry
 * no `sub`, no `*_verified` and no `cognito:user_status`, since the user does not exist yet.
 */
export function preSignUpAttributes(attributes: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(attributes)) {
    if (k === "email_verified" || k === "phone_number_verified") continue;
    out[k] = v;
  }
  return out;
}

export function preSignUpEvent(
  ctx: EventContext,
  triggerSource: PreSignUpTriggerEvent["triggerSource"],
  userAttributes: Record<string, string>,
  validationData: Record<string, string> | undefined,
  clientMetadata: Record<string, string> | undefined,
): PreSignUpTriggerEvent {
  const request: PreSignUpTriggerEvent["request"] = { userAttributes };
  request.validationData = validationData ?? (null as unknown as Record<string, string>);
  if (clientMetadata !== undefined) request.clientMetadata = clientMetadata;
  return {
    ...envelope(ctx, triggerSource),
    triggerSource,
    request,
    response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
  } as PreSignUpTriggerEvent;
}

export function postConfirmationEvent(
  ctx: EventContext,
  userAttributes: Record<string, string>,
  clientMetadata: Record<string, string> | undefined,
): PostConfirmationTriggerEvent {
  const request: PostConfirmationTriggerEvent["request"] = { userAttributes };
  if (clientMetadata !== undefined) request.clientMetadata = clientMetadata;
  return {
    ...envelope(ctx, "PostConfirmation_ConfirmSignUp"),
    triggerSource: "PostConfirmation_ConfirmSignUp",
    request,
    response: {},
  } as PostConfirmationTriggerEvent;
}

type SenderEvent = CustomEmailSenderTriggerEvent | CustomSMSSenderTriggerEvent;

/** The custom sender trigger for a medium (also the name of its outbox transport). */
export function senderTriggerFor(medium: "EMAIL" | "SMS"): SenderTrigger {
  return medium === "EMAIL" ? "CustomEmailSender" : "CustomSMSSender";
}

/**
 * The custom sender's triggerSource for a flow: `CustomMessage_SignUp` is
 * `CustomEmailSender_SignUp` / `CustomSMSSender_SignUp`, and so on.
 */
export function senderTriggerSource(customMessageSource: string, trigger: SenderTrigger): string {
  return customMessageSource.replace(/^CustomMessage_/, `${trigger}_`);
}

/**
 * A custom sender event. Shape from a captured CustomEmailSender_SignUp event (a public AWS
 * SAM sample's logs): `request` is {type, code, clientMetadata, userAttributes}, with
 * `clientMetadata: null` when the API request had none, and there is no `response` member
 * (Cognito reads no answer).
 */
export function customSenderEvent(
  a: {
    region: string;
    userPoolId: string;
    userName: string;
    clientId: string;
    awsSdkVersion: string;
  },
  trigger: SenderTrigger,
  triggerSource: string,
  ciphertext: string,
  clientMetadata: Record<string, string> | undefined,
  userAttributes: Record<string, string>,
): SenderEvent {
  return {
    version: "1",
    region: a.region,
    userPoolId: a.userPoolId,
    userName: a.userName,
    callerContext: { awsSdkVersion: a.awsSdkVersion, clientId: a.clientId },
    triggerSource,
    request: {
      type: trigger === "CustomEmailSender" ? "customEmailSenderRequestV1" : "customSMSSenderRequestV1",
      code: ciphertext,
      clientMetadata: (clientMetadata ?? null) as Record<string, string>,
      userAttributes,
    },
  } as unknown as SenderEvent;
}

/** Whether a function's answer is an event Cognito could read for this trigger. */
export function validAnswer(trigger: TriggerName, answer: unknown): answer is Record<string, unknown> {
  if (answer === null || typeof answer !== "object" || Array.isArray(answer)) return false;
  const response = (answer as { response?: unknown }).response;
  if (response === undefined || response === null) return true;
  if (typeof response !== "object" || Array.isArray(response)) return false;
  const r = response as Record<string, unknown>;
  // Cognito deserialises the answer into the trigger's typed event; a member of the wrong
  // type fails that step. Whether it would coerce "true" into true is not known: we refuse.
  const ofType = (keys: string[], type: "string" | "boolean") =>
    keys.every((k) => r[k] === undefined || r[k] === null || typeof r[k] === type);
  switch (trigger) {
    case "PreSignUp":
      return ofType(["autoConfirmUser", "autoVerifyEmail", "autoVerifyPhone"], "boolean");
    case "CustomMessage":
      return ofType(["smsMessage", "emailMessage", "emailSubject"], "string");
    default:
      return true;
  }
}

// EmailVerificationMessageType's pattern from the service model. Java's `\s` is ASCII
// whitespace only (JavaScript's also matches e.g. U+00A0), so it is spelled out.
const JAVA_SPACE = " \\t\\n\\x0B\\f\\r";
const EMAIL_MESSAGE_PATTERN = new RegExp(
  `^[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}${JAVA_SPACE}*]*\\{####\\}[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}${JAVA_SPACE}*]*$`,
  "u",
);

/**
 * Whether a CustomMessage emailMessage passes the model's EmailVerificationMessageType
 * pattern. Cognito checks the function's email against it and answers
 * InvalidParameterException naming 'emailBody' (observed: amplify-js #6917, HTML with a
 * no-break space).
 */
export function emailMessageMatchesModel(message: string): boolean {
  return EMAIL_MESSAGE_PATTERN.test(message);
}

export const EMAIL_MESSAGE_PATTERN_TEXT =
  "[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s*]*\\{####\\}[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s*]*";
