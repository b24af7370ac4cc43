// Cognito's Lambda trigger events, built exactly as Cognito sends them (docs/behaviour.md "Event
// shapes"), typed by the trigger map in ports/triggers.ts (events from @types/aws-lambda). What a
// function may answer is checked in triggerAnswers.ts.
import type { UserRecord } from "../ports/store/index.js";
import type {
  GroupConfiguration,
  PreTokenGenerationEvent,
  SenderEvent,
  SenderTrigger,
  TokenGenerationSource,
  TriggerEvent,
} from "../ports/triggers.js";

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

export function envelope<S extends string>(ctx: EventContext, triggerSource: S) {
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

type CustomMessageEvent = TriggerEvent<"CustomMessage">;

export function customMessageEvent(
  ctx: EventContext,
  triggerSource: CustomMessageEvent["triggerSource"],
  userAttributes: Record<string, string>,
  clientMetadata: Record<string, string> | undefined,
): CustomMessageEvent {
  const request: CustomMessageEvent["request"] = {
    userAttributes,
    codeParameter: "{####}",
    linkParameter: "{##Click Here##}",
    // Only invitations carry the username placeholder (developer guide, CustomMessage).
    usernameParameter: triggerSource === "CustomMessage_AdminCreateUser" ? "{username}" : null,
  };
  // clientMetadata is present only when the API request carried ClientMetadata.
  if (clientMetadata !== undefined) request.clientMetadata = clientMetadata;
  return {
    ...envelope(ctx, triggerSource),
    request,
    response: { smsMessage: null, emailMessage: null, emailSubject: null },
  };
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

type PreSignUpEvent = TriggerEvent<"PreSignUp">;

export function preSignUpEvent(
  ctx: EventContext,
  triggerSource: PreSignUpEvent["triggerSource"],
  userAttributes: Record<string, string>,
  validationData: Record<string, string> | undefined,
  clientMetadata: Record<string, string> | undefined,
): PreSignUpEvent {
  // validationData is null when SignUp had no ValidationData.
  const request: PreSignUpEvent["request"] = { userAttributes, validationData: validationData ?? null };
  if (clientMetadata !== undefined) request.clientMetadata = clientMetadata;
  return {
    ...envelope(ctx, triggerSource),
    request,
    response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
  };
}

type PostConfirmationEvent = TriggerEvent<"PostConfirmation">;

export function postConfirmationEvent(
  ctx: EventContext,
  userAttributes: Record<string, string>,
  clientMetadata: Record<string, string> | undefined,
  triggerSource: PostConfirmationEvent["triggerSource"] = "PostConfirmation_ConfirmSignUp",
): PostConfirmationEvent {
  const request: PostConfirmationEvent["request"] = { userAttributes };
  if (clientMetadata !== undefined) request.clientMetadata = clientMetadata;
  return { ...envelope(ctx, triggerSource), request, response: {} };
}

/**
 * A PreTokenGeneration event of the pool's configured version ("1" for V1_0, "2" for V2_0,
 * "3" for V3_0). V2 and V3 carry the access token's scopes. clientMetadata is present only
 * when the API request carried ClientMetadata that reaches this trigger (RespondToAuthChallenge,
 * GetTokensFromRefreshToken; not InitiateAuth, whose ClientMetadata reaches only PreSignUp,
 * PreAuthentication and UserMigration, per the service model).
 */
export function preTokenGenerationEvent(
  ctx: EventContext,
  version: "1" | "2" | "3",
  triggerSource: TokenGenerationSource,
  userAttributes: Record<string, string>,
  groupConfiguration: GroupConfiguration,
  scopes: readonly string[],
  clientMetadata: Record<string, string> | undefined,
): PreTokenGenerationEvent {
  const request: PreTokenGenerationEvent["request"] = { userAttributes, groupConfiguration };
  if (version !== "1") request.scopes = [...scopes];
  if (clientMetadata !== undefined) request.clientMetadata = clientMetadata;
  return {
    ...envelope(ctx, triggerSource),
    version,
    request,
    response: version === "1" ? { claimsOverrideDetails: null } : { claimsAndScopeOverrideDetails: null },
  };
}

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

// The triggerSource values of each custom sender, as Cognito names them.
const SENDER_SOURCES = {
  CustomEmailSender: [
    "CustomEmailSender_SignUp",
    "CustomEmailSender_ResendCode",
    "CustomEmailSender_ForgotPassword",
    "CustomEmailSender_UpdateUserAttribute",
    "CustomEmailSender_VerifyUserAttribute",
    "CustomEmailSender_AdminCreateUser",
    "CustomEmailSender_Authentication",
  ],
  CustomSMSSender: [
    "CustomSMSSender_SignUp",
    "CustomSMSSender_ResendCode",
    "CustomSMSSender_ForgotPassword",
    "CustomSMSSender_UpdateUserAttribute",
    "CustomSMSSender_VerifyUserAttribute",
    "CustomSMSSender_AdminCreateUser",
    "CustomSMSSender_Authentication",
  ],
} as const;

/**
 * A custom sender event, or undefined when `triggerSource` is not one of the trigger's. Shape
 * from a captured CustomEmailSender_SignUp event (a public AWS SAM sample's logs): `request` is
 * {type, code, clientMetadata, userAttributes}, with `clientMetadata: null` when the API
 * request had none, and there is no `response` member (Cognito reads no answer).
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
): SenderEvent<SenderTrigger> | undefined {
  const common = {
    version: "1",
    region: a.region,
    userPoolId: a.userPoolId,
    userName: a.userName,
    callerContext: { awsSdkVersion: a.awsSdkVersion, clientId: a.clientId },
  };
  const request = { code: ciphertext, clientMetadata: clientMetadata ?? null, userAttributes };
  if (trigger === "CustomEmailSender") {
    const source = SENDER_SOURCES.CustomEmailSender.find((s) => s === triggerSource);
    if (source === undefined) return undefined;
    return { ...common, triggerSource: source, request: { type: "customEmailSenderRequestV1", ...request } };
  }
  const source = SENDER_SOURCES.CustomSMSSender.find((s) => s === triggerSource);
  if (source === undefined) return undefined;
  return { ...common, triggerSource: source, request: { type: "customSMSSenderRequestV1", ...request } };
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

type PreAuthenticationEvent = TriggerEvent<"PreAuthentication">;

/**
 * PreAuthentication: InitiateAuth's ClientMetadata arrives as `validationData` (service
 * model). For a name with no user under PreventUserExistenceErrors, `userNotFound` is true and
 * there are no attributes.
 */
export function preAuthenticationEvent(
  ctx: EventContext,
  userAttributes: Record<string, string>,
  validationData: Record<string, string> | undefined,
  userNotFound: boolean,
): PreAuthenticationEvent {
  const request: PreAuthenticationEvent["request"] = { userAttributes };
  if (userNotFound) request.userNotFound = true;
  if (validationData !== undefined) request.validationData = validationData;
  return { ...envelope(ctx, "PreAuthentication_Authentication"), request, response: {} };
}

type PostAuthenticationEvent = TriggerEvent<"PostAuthentication">;

/**
 * PostAuthentication: RespondToAuthChallenge's ClientMetadata reaches it; InitiateAuth's does
 * not. `newDeviceUsed`: the sign-in is on a device the pool's device tracking did not know.
 */
export function postAuthenticationEvent(
  ctx: EventContext,
  userAttributes: Record<string, string>,
  clientMetadata: Record<string, string> | undefined,
  newDeviceUsed = false,
): PostAuthenticationEvent {
  const request: PostAuthenticationEvent["request"] = { userAttributes, newDeviceUsed };
  if (clientMetadata !== undefined) request.clientMetadata = clientMetadata;
  return { ...envelope(ctx, "PostAuthentication_Authentication"), request, response: {} };
}

type UserMigrationEvent = TriggerEvent<"UserMigration">;

/**
 * UserMigration (developer guide, "Migrate user Lambda trigger"): `userName` is the name as the
 * user typed it (there is no user yet). At sign-in the event carries the password and the
 * request's ClientMetadata as `validationData`; in the forgot-password flow there is no
 * password and ForgotPassword's ClientMetadata is `clientMetadata`. Members without a value
 * are left out, as in PreAuthentication's event.
 */
export function userMigrationEvent(
  ctx: EventContext,
  triggerSource: UserMigrationEvent["triggerSource"],
  a: {
    password: string | undefined;
    validationData: Record<string, string> | undefined;
    clientMetadata: Record<string, string> | undefined;
  },
): UserMigrationEvent {
  const request: UserMigrationEvent["request"] = {};
  if (a.password !== undefined) request.password = a.password;
  if (a.validationData !== undefined) request.validationData = a.validationData;
  if (a.clientMetadata !== undefined) request.clientMetadata = a.clientMetadata;
  return {
    ...envelope(ctx, triggerSource),
    request,
    response: {
      userAttributes: null,
      finalUserStatus: null,
      messageAction: null,
      desiredDeliveryMediums: null,
      forceAliasCreation: null,
      enableSMSMFA: null,
    },
  };
}
