// The Triggers port over real functions: picks the invoker for each function ARN from the
// `triggers` configuration, applies Cognito's deadline and retries, and turns what happened
// into Cognito's errors (docs/behaviour.md "Trigger errors"):
//   the function failed          → UserLambdaValidationException "<Trigger> failed with error <message>."
//   its answer is not an event   → InvalidLambdaResponseException "Invalid lambda function output : Invalid JSON"
//   not invoked (unknown, denied, throttled, unreachable)
//                                → UnexpectedLambdaException "<Trigger> invocation failed due to error <Code>"
//   no answer in time            → UnexpectedLambdaException "<Trigger> invocation failed due to error
//                                  Socket timeout while invoking Lambda function." (observed, sst #1815)
// Events are never logged: they carry ClientMetadata and user attributes.
import { isAbsolute, resolve } from "node:path";
import type { Logger } from "pino";
import type { TriggersConfig } from "../../config/triggers.js";
import { configuredFunction } from "../../domain/lambdaConfig.js";
import { readTriggerAnswer } from "../../domain/triggerAnswers.js";
import type { PoolRecord } from "../../ports/store/index.js";
import {
  type SenderContext,
  SenderError,
  type SenderEvent,
  type SenderTrigger,
  type SyncTrigger,
  type TriggerAnswer,
  type TriggerEvent,
  type TriggerName,
  type Triggers,
} from "../../ports/triggers.js";
import { fail } from "../../protocol/errors.js";
import { CodeCrypto } from "./codeCrypto.js";
import { HttpInvoker } from "./http.js";
import type { InvokeOutcome, Invoker } from "./invoker.js";
import { LambdaInvoker } from "./lambda.js";
import { ModuleInvoker } from "./module.js";
import { SenderContexts } from "./senderContexts.js";

export const SOCKET_TIMEOUT = "Socket timeout while invoking Lambda function.";
export const INVALID_JSON = "Invalid lambda function output : Invalid JSON";

interface Route {
  invoker: Invoker;
  timeoutMs: number | undefined;
  /** How the function is reached, for logs ("lambda", "http", "module"). */
  via: string;
}

export class LambdaTriggers implements Triggers {
  readonly #cfg: TriggersConfig;
  readonly #region: string;
  readonly #log: Logger;
  readonly #invokers = new Map<string, Invoker>();
  readonly #crypto: CodeCrypto;
  readonly #contexts = new SenderContexts();

  constructor(a: { config: TriggersConfig; region: string; log: Logger }) {
    this.#cfg = a.config;
    this.#region = a.region;
    this.#log = a.log;
    this.#crypto = new CodeCrypto(a.config.kms, a.config.customSenderKeys, a.region);
  }

  configured(pool: PoolRecord, trigger: TriggerName): string | null {
    return configuredFunction(pool.config, trigger);
  }

  #route(arn: string): Route {
    const spec = this.#cfg.functions[arn] ?? this.#cfg.functions["*"] ?? "lambda";
    const target = typeof spec === "string" ? spec : spec.target;
    const timeoutMs = typeof spec === "string" ? undefined : spec.timeoutMs;
    const secret = (typeof spec === "string" ? undefined : spec.hmacSecret) ?? this.#cfg.http.hmacSecret;
    const key = target.startsWith("http") ? `${target}\n${secret ?? ""}` : target;
    let invoker = this.#invokers.get(key);
    if (!invoker) {
      if (target === "lambda") {
        invoker = new LambdaInvoker(this.#cfg.lambda, this.#region);
      } else if (target.startsWith("module:")) {
        const [file = "", exportName = "handler"] = target.slice("module:".length).split("#");
        const base = this.#cfg.baseDir ?? process.cwd();
        invoker = new ModuleInvoker(isAbsolute(file) ? file : resolve(base, file), exportName);
      } else {
        // The configuration refuses http(s) targets without a secret.
        invoker = new HttpInvoker(target, secret ?? "");
      }
      this.#invokers.set(key, invoker);
    }
    const via = target === "lambda" ? "lambda" : target.startsWith("module:") ? "module" : "http";
    return { invoker, timeoutMs, via };
  }

  /** Invokes with up to `attempts` tries for timeouts and transient failures (Cognito retries). */
  async #call(
    arn: string,
    trigger: TriggerName,
    payload: string,
    timeoutMs: number,
    attempts: number,
  ): Promise<InvokeOutcome> {
    const route = this.#route(arn);
    const deadline = route.timeoutMs ?? timeoutMs;
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      const o = await route.invoker.invoke({ arn, trigger, payload, timeoutMs: deadline });
      const ms = Date.now() - started;
      const again = (o.kind === "timeout" || (o.kind === "not-invoked" && o.retry)) && attempt < attempts;
      if (o.kind === "ok") {
        this.#log.debug({ trigger, arn, via: route.via, attempt, ms }, "trigger answered");
      } else {
        // Neither the event nor the function's error message is logged (user data).
        this.#log.warn(
          {
            trigger,
            arn,
            via: route.via,
            attempt,
            ms,
            outcome: o.kind,
            ...(o.kind === "not-invoked" ? { code: o.code, detail: o.detail } : {}),
            ...(o.kind === "function-error" ? { errorType: o.errorType } : {}),
            retrying: again,
          },
          "trigger failed",
        );
      }
      if (!again) return o;
    }
  }

  async invoke<T extends SyncTrigger>(
    pool: PoolRecord,
    trigger: T,
    event: TriggerEvent<T>,
  ): Promise<TriggerAnswer<T>> {
    const arn = configuredFunction(pool.config, trigger);
    if (arn === null)
      fail(
        "UnexpectedLambdaException",
        `${trigger} invocation failed due to error ResourceNotFoundException`,
      );
    const o = await this.#call(arn, trigger, JSON.stringify(event), this.#cfg.timeoutMs, this.#cfg.attempts);
    switch (o.kind) {
      case "ok": {
        let answer: unknown;
        try {
          answer = JSON.parse(o.payload);
        } catch {
          fail("InvalidLambdaResponseException", INVALID_JSON);
        }
        const read = readTriggerAnswer(trigger, answer, event);
        if (read === undefined) fail("InvalidLambdaResponseException", INVALID_JSON);
        return read;
      }
      case "function-error":
        fail("UserLambdaValidationException", `${trigger} failed with error ${o.errorMessage}.`);
        break;
      case "not-invoked":
        fail("UnexpectedLambdaException", `${trigger} invocation failed due to error ${o.code}`);
        break;
      case "timeout":
        fail("UnexpectedLambdaException", `${trigger} invocation failed due to error ${SOCKET_TIMEOUT}`);
    }
  }

  async send<T extends SenderTrigger>(pool: PoolRecord, trigger: T, event: SenderEvent<T>): Promise<void> {
    const arn = configuredFunction(pool.config, trigger);
    if (arn === null) throw new SenderError(`the pool has no ${trigger} trigger any more`, false);
    // One attempt per outbox delivery: the outbox spaces out the retries.
    const o = await this.#call(arn, trigger, JSON.stringify(event), this.#cfg.senderTimeoutMs, 1);
    switch (o.kind) {
      case "ok":
        return; // Cognito reads no answer from a custom sender.
      case "function-error":
        // Lambda retries failed asynchronous invocations; so does the outbox.
        throw new SenderError(`${trigger} failed with error ${o.errorMessage}.`, true);
      case "not-invoked":
        throw new SenderError(`${trigger} invocation failed due to error ${o.code}`, o.retry);
      case "timeout":
        throw new SenderError(`${trigger} invocation failed due to error ${SOCKET_TIMEOUT}`, true);
    }
  }

  encryptCode(pool: PoolRecord, code: string): Promise<string> {
    return this.#crypto.encrypt(pool, code);
  }

  holdSenderContext(messageId: string, context: SenderContext): void {
    this.#contexts.hold(messageId, context);
  }

  senderContext(messageId: string): SenderContext | undefined {
    return this.#contexts.get(messageId);
  }

  releaseSenderContext(messageId: string): void {
    this.#contexts.release(messageId);
  }

  close(): void {
    for (const i of this.#invokers.values()) i.close?.();
    this.#invokers.clear();
    this.#crypto.close();
  }
}
