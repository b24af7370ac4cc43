// Cognito's Lambda trigger events, built exactly as Cognito sends them
// (COGNITO-BEHAVIOUR.md §5; types from @types/aws-lambda).
import type {
  CustomMessageTriggerEvent,
  PostConfirmationTriggerEvent,
  PreSignUpTriggerEvent,
} from "aws-lambda";
import type { UserRecord } from "../ports/store.js";

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
