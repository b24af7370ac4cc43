// Trigger lookup from the pool's LambdaConfig, without any way to reach a function: a pool
// that names a function gets UnexpectedLambdaException, as Cognito answers when it cannot
// invoke one. For embedding and tests that want no function ever called; the server uses
// the invokers in service.ts.

import type { PoolRecord } from "../../ports/store/index.js";
import { SenderError, type TriggerName, type Triggers } from "../../ports/triggers.js";
import { fail } from "../../protocol/errors.js";
import { SenderContexts } from "./senderContexts.js";

export function configuredArn(pool: PoolRecord, trigger: TriggerName): string | null {
  const lc = (pool.config.LambdaConfig ?? {}) as Record<string, unknown>;
  const v = lc[trigger];
  if (typeof v === "string" && v) return v;
  if (v && typeof v === "object" && typeof (v as { LambdaArn?: unknown }).LambdaArn === "string") {
    return (v as { LambdaArn: string }).LambdaArn;
  }
  return null;
}

const contexts = new SenderContexts();

export const unconfiguredTriggers: Triggers = {
  configured: configuredArn,
  async invoke(_pool, trigger) {
    fail("UnexpectedLambdaException", `${trigger} invocation failed due to error ResourceNotFoundException`);
  },
  async send(_pool, trigger) {
    throw new SenderError(`${trigger}: no way to invoke functions is configured`, false);
  },
  async encryptCode() {
    fail("UnexpectedLambdaException", "No KMS key is available to encrypt the code");
  },
  holdSenderContext: (id, c) => contexts.hold(id, c),
  senderContext: (id) => contexts.get(id),
  releaseSenderContext: (id) => contexts.release(id),
};
