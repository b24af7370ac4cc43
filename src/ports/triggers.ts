// Lambda triggers as the operations see them: given the pool and a Cognito event, return
// the function's answer. Implementations choose how to reach the function (AWS Lambda Invoke
// API, an HTTP endpoint, an in-process module) and map failures to Cognito's errors:
//   the function reports an error     → UserLambdaValidationException "<Trigger> failed with error <message>."
//   its output is not a valid event   → InvalidLambdaResponseException "Invalid lambda function output : Invalid JSON"
//   it cannot be reached / times out  → UnexpectedLambdaException "<Trigger> invocation failed due to error <Code>"
import type { PoolRecord } from "./store.js";

export type TriggerName =
  | "PreSignUp"
  | "CustomMessage"
  | "PostConfirmation"
  | "CustomEmailSender"
  | "CustomSMSSender";

export interface Triggers {
  /** The function configured for this trigger in the pool's LambdaConfig, or null. */
  configured(pool: PoolRecord, trigger: TriggerName): string | null;
  /**
   * Invokes the pool's function for `trigger` synchronously with `event` and returns the
   * event the function returned. Only call when `configured` is not null.
   */
  invoke(
    pool: PoolRecord,
    trigger: TriggerName,
    event: Record<string, unknown>,
  ): Promise<Record<string, unknown>>;
  /**
   * Custom sender triggers get the code encrypted (AWS Encryption SDK, the pool's KMS key).
   * Returns the ciphertext (base64) to put in the event's `request.code`.
   */
  encryptCode(pool: PoolRecord, code: string): Promise<string>;
}
