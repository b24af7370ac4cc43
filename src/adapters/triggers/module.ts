// The in-process invoker (dev): `module:./triggers/custom-message.mjs#handler` loads a
// JavaScript module and calls its export the way the Lambda Node.js runtime does — with
// (event, context, callback), awaiting a returned promise or waiting for the callback — so the
// handler file deployed to AWS runs here unchanged. The event is a fresh copy parsed from the
// JSON that Lambda would receive, and the answer goes through JSON too.
//
// In-process code cannot be stopped: past the deadline its answer is ignored, not cancelled.
import { randomBytes, randomUUID } from "node:crypto";
import { stat } from "node:fs/promises";
import { basename, extname } from "node:path";
import { pathToFileURL } from "node:url";
import type { Context } from "aws-lambda";
import {
  describeThrown,
  functionName,
  type InvokeOutcome,
  type InvokeRequest,
  type Invoker,
} from "./invoker.js";

type Callback = (error?: unknown, result?: unknown) => void;
type Handler = (event: unknown, context: Context, callback: Callback) => unknown;

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    v !== null &&
    (typeof v === "object" || typeof v === "function") &&
    typeof (v as { then?: unknown }).then === "function"
  );
}

/** A handler's result as Lambda serialises it (undefined → null). */
function answer(result: unknown): InvokeOutcome {
  let payload: string | undefined;
  try {
    payload = JSON.stringify(result === undefined ? null : result);
  } catch (e) {
    return {
      kind: "function-error",
      errorType: "Runtime.MarshalError",
      errorMessage: `Unable to stringify response body: ${(e as Error).message}`,
    };
  }
  return { kind: "ok", payload: payload ?? "null" };
}

export class ModuleInvoker implements Invoker {
  readonly #path: string;
  readonly #exportName: string;
  #loaded: { version: number; module: Promise<Record<string, unknown>> } | null = null;

  /** `path` is absolute. */
  constructor(path: string, exportName: string) {
    this.#path = path;
    this.#exportName = exportName;
  }

  async #handler(): Promise<Handler | InvokeOutcome> {
    let version: number;
    try {
      version = (await stat(this.#path)).mtimeMs;
    } catch {
      // The module is the function: without it there is no function to run.
      return {
        kind: "not-invoked",
        code: "ResourceNotFoundException",
        detail: `module ${this.#path} does not exist`,
        retry: false,
      };
    }
    // Re-imported when the file changes, so a developer's edit takes effect without a restart.
    if (this.#loaded?.version !== version) {
      const url = `${pathToFileURL(this.#path).href}?version=${version}`;
      this.#loaded = { version, module: import(url) as Promise<Record<string, unknown>> };
    }
    let mod: Record<string, unknown>;
    try {
      mod = await this.#loaded.module;
    } catch (e) {
      const err = e as Error;
      return {
        kind: "function-error",
        errorType: err instanceof SyntaxError ? "Runtime.UserCodeSyntaxError" : "Runtime.ImportModuleError",
        errorMessage: `${err.name}: ${err.message}`,
      };
    }
    const fromDefault = (mod.default as Record<string, unknown> | undefined)?.[this.#exportName];
    const h = mod[this.#exportName] ?? fromDefault;
    if (typeof h !== "function") {
      const file = basename(this.#path, extname(this.#path));
      return {
        kind: "function-error",
        errorType: "Runtime.HandlerNotFound",
        errorMessage: `${file}.${this.#exportName} is undefined or not exported`,
      };
    }
    return h as Handler;
  }

  async invoke(req: InvokeRequest): Promise<InvokeOutcome> {
    const handler = await this.#handler();
    if (typeof handler !== "function") return handler;
    const event = JSON.parse(req.payload) as unknown;
    const deadline = Date.now() + req.timeoutMs;
    const name = functionName(req.arn);

    return new Promise<InvokeOutcome>((resolve) => {
      let settled = false;
      const finish = (o: InvokeOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(o);
      };
      const timer = setTimeout(() => finish({ kind: "timeout" }), req.timeoutMs);
      const callback: Callback = (error, result) => {
        if (error !== undefined && error !== null)
          finish({ kind: "function-error", ...describeThrown(error) });
        else finish(answer(result));
      };
      const day = new Date().toISOString().slice(0, 10).replaceAll("-", "/");
      const context: Context = {
        callbackWaitsForEmptyEventLoop: true,
        functionName: name,
        functionVersion: "$LATEST",
        invokedFunctionArn: req.arn,
        memoryLimitInMB: "128",
        awsRequestId: randomUUID(),
        logGroupName: `/aws/lambda/${name}`,
        logStreamName: `${day}/[$LATEST]${randomBytes(16).toString("hex")}`,
        getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
        done: (error?: Error, result?: unknown) => callback(error, result),
        fail: (error: Error | string) => callback(error),
        succeed: (result: unknown) => callback(null, result),
      };
      try {
        const r = handler(event, context, callback);
        // An async handler answers with its promise; a callback-style one calls back.
        if (isThenable(r)) {
          r.then(
            (v) => finish(answer(v)),
            (e: unknown) => finish({ kind: "function-error", ...describeThrown(e) }),
          );
        }
      } catch (e) {
        finish({ kind: "function-error", ...describeThrown(e) });
      }
    });
  }
}
