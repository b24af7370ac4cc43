// Lambda triggers as the operations see them: given the pool and a Cognito event, return
// the function's answer. Implementations choose how to reach the function (AWS Lambda Invoke
// API, an HTTP endpoint, an in-process module) and map failures to Cognito's errors:
//   the function reports an error     → UserLambdaValidationException "<Trigger> failed with error <message>."
//   its output is not a valid event   → InvalidLambdaResponseException "Invalid lambda function output : Invalid JSON"
//   it cannot be reached / times out  → UnexpectedLambdaException "<Trigger> invocation failed due to error <Code>"
import type { PoolRecord } from "./store/index.js";

export type SenderTrigger = "CustomEmailSender" | "CustomSMSSender";

export type TriggerName = "PreSignUp" | "CustomMessage" | "PostConfirmation" | SenderTrigger;

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
   * Invokes the pool's function for `trigger` synchronously with `event` and returns the
   * event the function returned (checked to be a valid answer for that trigger). Only call
   * when `configured` is not null.
   */
  invoke(
    pool: PoolRecord,
    trigger: TriggerName,
    event: Record<string, unknown>,
  ): Promise<Record<string, unknown>>;
  /**
   * Hands a custom sender its event. Cognito invokes these asynchronously and reads no
   * answer; failures throw SenderError so the outbox can retry.
   */
  send(pool: PoolRecord, trigger: SenderTrigger, event: Record<string, unknown>): Promise<void>;
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
