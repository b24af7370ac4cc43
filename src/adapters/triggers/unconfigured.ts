// Trigger lookup from the pool's LambdaConfig, without any way to reach a function: a pool
// that names a function gets UnexpectedLambdaException, as Cognito answers when it cannot
// invoke one. The invokers (AWS Lambda API, HTTP, module) replace this.

import type { PoolRecord } from "../../ports/store.js";
import type { TriggerName, Triggers } from "../../ports/triggers.js";
import { fail } from "../../protocol/errors.js";

export function configuredArn(pool: PoolRecord, trigger: TriggerName): string | null {
  const lc = (pool.config.LambdaConfig ?? {}) as Record<string, unknown>;
  const v = lc[trigger];
  if (typeof v === "string" && v) return v;
  if (v && typeof v === "object" && typeof (v as { LambdaArn?: unknown }).LambdaArn === "string") {
    return (v as { LambdaArn: string }).LambdaArn;
  }
  return null;
}

export const unconfiguredTriggers: Triggers = {
  configured: configuredArn,
  async invoke(_pool, trigger) {
    fail("UnexpectedLambdaException", `${trigger} invocation failed due to error ResourceNotFoundException`);
  },
  async encryptCode() {
    fail("UnexpectedLambdaException", "No KMS key is available to encrypt the code");
  },
};
