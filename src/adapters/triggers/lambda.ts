// The AWS Lambda Invoke API invoker: the default for any ARN without a mapping. It talks to
// real AWS Lambda (credentials from the SDK's chain) or to an emulator at a configured
// endpoint. A function that throws comes back as HTTP 200 with `X-Amz-Function-Error` and
// {errorMessage, errorType}; Lambda API errors (ResourceNotFoundException, AccessDenied…,
// TooManyRequests…) are reported with their code, as Cognito names them.
import type { LambdaClient, LambdaClientConfig } from "@aws-sdk/client-lambda";
import type { AwsServiceConfig } from "../../config/triggers.js";
import {
  arnRegion,
  type InvokeOutcome,
  type InvokeRequest,
  type Invoker,
  parseFunctionError,
} from "./invoker.js";

/** Lambda API errors worth another attempt (throttling, service trouble). */
const RETRYABLE = new Set([
  "TooManyRequestsException",
  "ServiceException",
  "ResourceNotReadyException",
  "EC2ThrottledException",
  "ENILimitReachedException",
]);

type Credentials = NonNullable<LambdaClientConfig["credentials"]>;

/** The SDK client settings (region, endpoint, static credentials) from a config section. */
export function awsClientConfig(
  c: AwsServiceConfig,
  region: string,
): { region: string; endpoint?: string; credentials?: Credentials } {
  const out: { region: string; endpoint?: string; credentials?: Credentials } = { region };
  if (c.endpoint !== undefined) out.endpoint = c.endpoint;
  if (c.accessKeyId !== undefined && c.secretAccessKey !== undefined) {
    out.credentials = {
      accessKeyId: c.accessKeyId,
      secretAccessKey: c.secretAccessKey,
      ...(c.sessionToken !== undefined ? { sessionToken: c.sessionToken } : {}),
    };
  }
  return out;
}

// The Lambda client takes a while to load: servers that never call the Invoke API skip it.
let sdk: Promise<typeof import("@aws-sdk/client-lambda")> | null = null;

export class LambdaInvoker implements Invoker {
  readonly #config: AwsServiceConfig;
  readonly #defaultRegion: string;
  readonly #clients = new Map<string, LambdaClient>();

  constructor(config: AwsServiceConfig, defaultRegion: string) {
    this.#config = config;
    this.#defaultRegion = defaultRegion;
  }

  /** One client per region: a function lives in the region its ARN names. */
  #client(lib: typeof import("@aws-sdk/client-lambda"), arn: string): LambdaClient {
    const region = this.#config.region ?? arnRegion(arn) ?? this.#defaultRegion;
    let c = this.#clients.get(region);
    if (!c) {
      // Retries are ours (Cognito's attempts), not the SDK's.
      c = new lib.LambdaClient({ ...awsClientConfig(this.#config, region), maxAttempts: 1 });
      this.#clients.set(region, c);
    }
    return c;
  }

  async invoke(req: InvokeRequest): Promise<InvokeOutcome> {
    sdk ??= import("@aws-sdk/client-lambda");
    const lib = await sdk;
    const signal = AbortSignal.timeout(req.timeoutMs);
    try {
      const out = await this.#client(lib, req.arn).send(
        new lib.InvokeCommand({
          FunctionName: req.arn,
          InvocationType: "RequestResponse",
          Payload: Buffer.from(req.payload, "utf8"),
        }),
        { abortSignal: signal },
      );
      const text = out.Payload ? Buffer.from(out.Payload).toString("utf8") : "";
      if (out.FunctionError) return { kind: "function-error", ...parseFunctionError(text) };
      return { kind: "ok", payload: text };
    } catch (e) {
      if (signal.aborted) return { kind: "timeout" };
      const err = e as Error & { $metadata?: { httpStatusCode?: number }; code?: string };
      if (err.$metadata?.httpStatusCode !== undefined) {
        // The Lambda API answered with an error: its code is what Cognito reports.
        return {
          kind: "not-invoked",
          code: err.name,
          detail: `Lambda Invoke ${err.$metadata.httpStatusCode} ${err.name}: ${err.message}`,
          retry: RETRYABLE.has(err.name) || err.$metadata.httpStatusCode >= 500,
        };
      }
      if (err.name === "CredentialsProviderError") {
        // No credentials: Cognito's closest case is not being allowed to invoke.
        return { kind: "not-invoked", code: "AccessDeniedException", detail: err.message, retry: false };
      }
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? err.code ?? err.message;
      return {
        kind: "not-invoked",
        code: "ServiceException",
        detail: `Lambda Invoke failed: ${cause}`,
        retry: true,
      };
    }
  }

  close(): void {
    for (const c of this.#clients.values()) c.destroy();
    this.#clients.clear();
  }
}
