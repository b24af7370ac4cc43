// Lambda triggers as the operations see them: `invoke(pool, "PreSignUp", event)` with the
// event type of that trigger, answering what the function returned for it. The trigger name
// selects both types through the map below (events from @types/aws-lambda). Implementations
// choose how to reach the function (AWS Lambda Invoke API, an HTTP endpoint, an in-process
// module), check that its answer is a valid event for the trigger, and map failures to
// Cognito's errors:
//   the function reports an error     → UserLambdaValidationException "<Trigger> failed with error <message>."
//   its output is not a valid event   → InvalidLambdaResponseException "Invalid lambda function output : Invalid JSON"
//   it cannot be reached / times out  → UnexpectedLambdaException "<Trigger> invocation failed due to error <Code>"
import type {
  CreateAuthChallengeTriggerEvent,
  CustomEmailSenderTriggerEvent,
  CustomMessageTriggerEvent,
  CustomSMSSenderTriggerEvent,
  DefineAuthChallengeTriggerEvent,
  PostAuthenticationTriggerEvent,
  PostConfirmationTriggerEvent,
  PreAuthenticationTriggerEvent,
  PreSignUpTriggerEvent,
  UserMigrationTriggerEvent,
  VerifyAuthChallengeResponseTriggerEvent,
} from "aws-lambda";
import type { JsonValue } from "../protocol/generated/shapes.js";
import type { PoolRecord } from "./store/index.js";

type StringMap = Record<string, string>;

/**
 * An event as Cognito sends it, where @types/aws-lambda is narrower: the request members in
 * `R` replaced, and every response member may be null (Cognito sends the response part with
 * nulls for the function to fill in).
 */
type AsSent<E, R = unknown> = E extends { request: infer Q; response: infer P }
  ? Omit<E, "request" | "response"> & {
      request: Omit<Q, keyof R> & R;
      response: { [K in keyof P]: P[K] | null };
    }
  : never;

/** A custom sender event: `clientMetadata` is null when the request had none; no response part. */
type AsSentToSender<E> = E extends { request: infer Q }
  ? Omit<E, "request" | "response"> & {
      request: Omit<Q, "clientMetadata"> & { clientMetadata: StringMap | null };
    }
  : never;

/** What Cognate reads from an answer: the `response` members of the event, nulls dropped. */
type AnswerOf<E extends { response: object }> = {
  [K in keyof E["response"]]?: NonNullable<E["response"][K]>;
};

/** Nothing is read from the answer, but it must still be a valid event. */
export type NoAnswer = Record<string, never>;

export interface GroupOverrideDetails {
  groupsToOverride?: string[];
  iamRolesToOverride?: string[];
  preferredRole?: string;
}

/** PreTokenGeneration's request.groupConfiguration: the user's groups (preferredRole null when none). */
export interface GroupConfiguration {
  groupsToOverride: string[];
  iamRolesToOverride: string[];
  preferredRole: string | null;
}

/**
 * What a PreTokenGeneration event's triggerSource may be for a user's tokens. (V3_0 adds
 * TokenGeneration_ClientCredentials for machine-to-machine tokens, which Cognate does not issue.)
 */
export type TokenGenerationSource =
  | "TokenGeneration_HostedAuth"
  | "TokenGeneration_Authentication"
  | "TokenGeneration_NewPasswordChallenge"
  | "TokenGeneration_AuthenticateDevice"
  | "TokenGeneration_RefreshTokens";

/**
 * A PreTokenGeneration event as Cognito sends it, one type for the three versions: the
 * @types/aws-lambda events (V1 PreTokenGenerationTriggerEvent, V2/V3 …V2TriggerEvent) are a
 * union keyed by the literal triggerSource (and V3's allows only client credentials), which
 * an event built from a source chosen at run time cannot satisfy. The shape is theirs: `version`
 * "1" (V1_0) answers claimsOverrideDetails; "2" and "3" answer claimsAndScopeOverrideDetails
 * and are sent the access token's scopes.
 */
export interface PreTokenGenerationEvent {
  version: "1" | "2" | "3";
  region: string;
  userPoolId: string;
  userName: string;
  callerContext: { awsSdkVersion: string; clientId: string };
  triggerSource: TokenGenerationSource;
  request: {
    userAttributes: StringMap;
    groupConfiguration: GroupConfiguration;
    scopes?: string[];
    clientMetadata?: StringMap;
  };
  response: { claimsOverrideDetails?: null; claimsAndScopeOverrideDetails?: null };
}

/** PreTokenGeneration V1_0 answer: affects the ID token (groups: both tokens). */
export interface ClaimsOverrideDetails {
  claimsToAddOrOverride?: StringMap;
  claimsToSuppress?: string[];
  groupOverrideDetails?: GroupOverrideDetails;
}

/** A V2_0/V3_0 claim value: any JSON value but null (the AWS developer guide lists them). */
export type ClaimValue = Exclude<JsonValue, null>;

/** PreTokenGeneration V2_0/V3_0 answer, per token. */
export interface ClaimsAndScopeOverrideDetails {
  idTokenGeneration?: { claimsToAddOrOverride?: Record<string, ClaimValue>; claimsToSuppress?: string[] };
  accessTokenGeneration?: {
    claimsToAddOrOverride?: Record<string, ClaimValue>;
    claimsToSuppress?: string[];
    scopesToAdd?: string[];
    scopesToSuppress?: string[];
  };
  groupOverrideDetails?: GroupOverrideDetails;
}

/**
 * The answer to a PreTokenGeneration event: the member for the version sent (the event's
 * `version` "1" reads claimsOverrideDetails, "2" and "3" claimsAndScopeOverrideDetails).
 */
export interface PreTokenGenerationAnswer {
  claimsOverrideDetails?: ClaimsOverrideDetails;
  claimsAndScopeOverrideDetails?: ClaimsAndScopeOverrideDetails;
}

export interface UserMigrationAnswer {
  /** Absent when the function found no user to migrate (an empty response). */
  userAttributes?: StringMap;
  finalUserStatus?: "CONFIRMED" | "RESET_REQUIRED";
  messageAction?: "RESEND" | "SUPPRESS";
  desiredDeliveryMediums?: ("SMS" | "EMAIL")[];
  forceAliasCreation?: boolean;
  enableSMSMFA?: boolean;
}

/**
 * One element of DefineAuthChallenge's and CreateAuthChallenge's `request.session`: a step of
 * the custom sign-in so far (CUSTOM_CHALLENGE, or SRP_A / PASSWORD_VERIFIER when the sign-in
 * began with SRP). @types/aws-lambda allows challengeMetadata only on CUSTOM_CHALLENGE steps;
 * Cognito sends it on every step, null when none was set (observed: amplify-js #5834).
 */
export interface ChallengeStep {
  challengeName: string;
  challengeResult: boolean;
  challengeMetadata: string | null;
}

/** The synchronous triggers: the event each is invoked with, and what is read from its answer. */
export interface SyncTriggers {
  PreSignUp: {
    event: AsSent<PreSignUpTriggerEvent, { validationData: StringMap | null }>;
    answer: AnswerOf<PreSignUpTriggerEvent>;
  };
  CustomMessage: { event: AsSent<CustomMessageTriggerEvent>; answer: AnswerOf<CustomMessageTriggerEvent> };
  PostConfirmation: { event: PostConfirmationTriggerEvent; answer: NoAnswer };
  PreAuthentication: { event: PreAuthenticationTriggerEvent; answer: NoAnswer };
  PostAuthentication: { event: PostAuthenticationTriggerEvent; answer: NoAnswer };
  /** One LambdaConfig entry; PreTokenGenerationConfig.LambdaVersion says which event is sent. */
  PreTokenGeneration: { event: PreTokenGenerationEvent; answer: PreTokenGenerationAnswer };
  DefineAuthChallenge: {
    event: AsSent<DefineAuthChallengeTriggerEvent, { session: ChallengeStep[] }>;
    answer: AnswerOf<DefineAuthChallengeTriggerEvent>;
  };
  CreateAuthChallenge: {
    event: AsSent<CreateAuthChallengeTriggerEvent, { session: ChallengeStep[] }>;
    answer: AnswerOf<CreateAuthChallengeTriggerEvent>;
  };
  VerifyAuthChallengeResponse: {
    event: AsSent<VerifyAuthChallengeResponseTriggerEvent>;
    answer: AnswerOf<VerifyAuthChallengeResponseTriggerEvent>;
  };
  /** `password` only in UserMigration_Authentication (none in the forgot-password flow). */
  UserMigration: {
    event: AsSent<UserMigrationTriggerEvent, { password?: string }>;
    answer: UserMigrationAnswer;
  };
}

/** The asynchronous custom sender triggers and their events (Cognito reads no answer). */
export interface SenderTriggers {
  CustomEmailSender: AsSentToSender<CustomEmailSenderTriggerEvent>;
  CustomSMSSender: AsSentToSender<CustomSMSSenderTriggerEvent>;
}

export type SyncTrigger = keyof SyncTriggers;
export type SenderTrigger = keyof SenderTriggers;
/** A LambdaConfig trigger Cognate invokes (the name Cognito's error messages use). */
export type TriggerName = SyncTrigger | SenderTrigger;

export type TriggerEvent<T extends SyncTrigger> = SyncTriggers[T]["event"];
export type TriggerAnswer<T extends SyncTrigger> = SyncTriggers[T]["answer"];
export type SenderEvent<T extends SenderTrigger> = SenderTriggers[T];

/**
 * What a custom sender event needs that the outbox row does not hold: ClientMetadata must
 * never be stored, and the caller's SDK version is not a column. Kept in memory only, from
 * the request that queued the message until the sender has it.
 */
export interface SenderContext {
  awsSdkVersion: string;
  clientMetadata: Record<string, string> | undefined;
  /** userAttributes as they were when the message was queued. */
  userAttributes: Record<string, string>;
}

/** A custom sender could not be handed its message; `retry` says whether trying later may help. */
export class SenderError extends Error {
  override readonly name = "SenderError";
  readonly retry: boolean;
  constructor(message: string, retry: boolean) {
    super(message);
    this.retry = retry;
  }
}

export interface Triggers {
  /** The function configured for this trigger in the pool's LambdaConfig, or null. */
  configured(pool: PoolRecord, trigger: TriggerName): string | null;
  /**
   * Invokes the pool's function for `trigger` synchronously with `event` and returns what the
   * function answered in its event's `response` (checked to be a valid answer for the
   * trigger; null members dropped). Only call when `configured` is not null.
   */
  invoke<T extends SyncTrigger>(
    pool: PoolRecord,
    trigger: T,
    event: TriggerEvent<T>,
  ): Promise<TriggerAnswer<T>>;
  /**
   * Hands a custom sender its event. Cognito invokes these asynchronously and reads no
   * answer; failures throw SenderError so the outbox can retry.
   */
  send<T extends SenderTrigger>(pool: PoolRecord, trigger: T, event: SenderEvent<T>): Promise<void>;
  /**
   * Custom sender triggers get the code encrypted (AWS Encryption SDK, the pool's KMS key).
   * Returns the ciphertext (base64) to put in the event's `request.code`.
   */
  encryptCode(pool: PoolRecord, code: string): Promise<string>;
  /** Keeps `context` in memory for the custom sender message `messageId`. */
  holdSenderContext(messageId: string, context: SenderContext): void;
  /** The context kept for `messageId`, if this process still has it. */
  senderContext(messageId: string): SenderContext | undefined;
  /** Forgets the context once the message is delivered or given up. */
  releaseSenderContext(messageId: string): void;
}
