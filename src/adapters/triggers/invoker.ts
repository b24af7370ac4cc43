// What every way of reaching a function reports, before Cognito's error mapping (service.ts)
// turns it into an API error.

export type InvokeOutcome =
  /** The function ran and returned `payload` (JSON text, as Lambda returns it). */
  | { kind: "ok"; payload: string }
  /** The function ran and failed (Lambda's `X-Amz-Function-Error`). */
  | { kind: "function-error"; errorType: string; errorMessage: string }
  /**
   * The function could not be run: `code` is the Lambda API error code Cognito would name
   * (ResourceNotFoundException, AccessDeniedException, TooManyRequestsException, …);
   * `detail` is for our logs only; `retry` says whether another attempt may succeed.
   */
  | { kind: "not-invoked"; code: string; detail: string; retry: boolean }
  /** No answer in time. */
  | { kind: "timeout" };

export interface InvokeRequest {
  /** The function ARN from the pool's LambdaConfig. */
  arn: string;
  /** The LambdaConfig key, e.g. "PreSignUp" (for signatures and logs). */
  trigger: string;
  /** The event, JSON. */
  payload: string;
  timeoutMs: number;
}

export interface Invoker {
  invoke(req: InvokeRequest): Promise<InvokeOutcome>;
  close?(): void;
}

/** The function error Lambda reports for a thrown value (errorType/errorMessage). */
export function describeThrown(e: unknown): { errorType: string; errorMessage: string } {
  if (e instanceof Error) return { errorType: e.name || "Error", errorMessage: e.message };
  if (typeof e === "string") return { errorType: "string", errorMessage: e };
  let text: string;
  try {
    text = JSON.stringify(e) ?? String(e);
  } catch {
    text = String(e);
  }
  return { errorType: typeof e, errorMessage: text };
}

/**
 * A function error payload as Lambda returns it: `{"errorMessage", "errorType", …}`. Anything
 * else is reported as is (a runtime that crashed may answer with plain text).
 */
export function parseFunctionError(text: string): { errorType: string; errorMessage: string } {
  try {
    const v = JSON.parse(text) as unknown;
    if (v && typeof v === "object" && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      return {
        errorType: typeof o.errorType === "string" ? o.errorType : "Error",
        errorMessage: typeof o.errorMessage === "string" ? o.errorMessage : text,
      };
    }
    if (typeof v === "string") return { errorType: "Error", errorMessage: v };
  } catch {
    // not JSON: the text itself
  }
  return { errorType: "Error", errorMessage: text };
}

/** The function name in an ARN (`arn:aws:lambda:us-east-1:123:function:NAME[:qualifier]`), or the input. */
export function functionName(arn: string): string {
  const m = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)/.exec(arn);
  return m?.[1] ?? arn;
}

/** The region in an AWS ARN, or undefined. */
export function arnRegion(arn: string): string | undefined {
  const m = /^arn:[^:]+:[^:]+:([a-z]{2}(?:-[a-z]+)+-\d):/.exec(arn);
  return m?.[1];
}
