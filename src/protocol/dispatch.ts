// AWS JSON 1.1 request handling, independent of the HTTP server: target routing, content
// type, JSON parsing, model validation, authentication hook, error serialisation.
import type { Operation, RequestContext } from "../operations/define.js";
import type { Deps } from "../operations/deps.js";
import { fail, messages, ServiceError, type WireErrorName } from "./errors.js";
import { MODEL_OPERATIONS, TARGET_PREFIX } from "./generated/model.js";
import { isPlainObject } from "./validationRuntime.js";

export interface ApiRequest {
  target: string | undefined;
  contentType: string | undefined;
  body: Buffer;
  headers: Record<string, string | string[] | undefined>;
  method: string;
  path: string;
  /** The request target as received (path and query, still encoded), for SigV4. */
  rawUrl?: string;
}

export interface ApiResponse {
  status: number;
  /** Serialised JSON body. */
  body: string;
  errorType?: WireErrorName;
  errorMessage?: string;
  operation?: string;
}

/** Verifies (or, in dev mode, accepts) the caller of a SigV4 operation. */
export interface Authenticator {
  /** Returns the verified access key id, or undefined when not checked; throws ServiceError. */
  authenticate(req: ApiRequest, operation: string): string | undefined | Promise<string | undefined>;
}

export const acceptAll: Authenticator = { authenticate: () => undefined };

/** Admission control for the unauthenticated operations (src/protocol/ipLimiter.ts). */
export interface PublicLimiter {
  /** False when the caller at `sourceIp` is over its rate; else counts one request. */
  allow(sourceIp: string): boolean;
  /** Charges the caller `tokens` more for costly work; false when it cannot afford it now. */
  charge(sourceIp: string, tokens: number): boolean;
}

/** The limiter when per-IP limiting is off. */
export const unlimited: PublicLimiter = { allow: () => true, charge: () => true };

const TARGET_DOT = `${TARGET_PREFIX}.`;
const MAX_JSON_DEPTH = 64;

function jsonDepthExceeds(text: string, max: number): boolean {
  // Cheap scan before JSON.parse: nesting depth counted outside strings.
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

// Strict: a malformed sequence is an error, not a U+FFFD that would then pass as a symbol in a
// username. A byte-order mark is kept, so JSON.parse refuses it as before.
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The body as text, or null when it is not valid UTF-8 (JSON's required encoding, RFC 8259). */
function decodeUtf8(body: Buffer): string | null {
  try {
    return UTF8.decode(body);
  } catch {
    return null;
  }
}

export function errorResponse(err: ServiceError, operation?: string): ApiResponse {
  const body: Record<string, string> = { __type: err.type, message: err.message };
  if (err.extra) Object.assign(body, err.extra);
  const r: ApiResponse = {
    status: err.status,
    body: JSON.stringify(body),
    errorType: err.type,
    errorMessage: err.message,
  };
  if (operation !== undefined) r.operation = operation;
  return r;
}

export class Dispatcher {
  readonly #ops: ReadonlyMap<string, Operation>;
  readonly #deps: Deps;
  readonly #auth: Authenticator;
  readonly #limiter: PublicLimiter | undefined;

  constructor(ops: ReadonlyMap<string, Operation>, deps: Deps, auth: Authenticator, limiter?: PublicLimiter) {
    this.#ops = ops;
    this.#deps = deps;
    this.#auth = auth;
    this.#limiter = limiter;
  }

  /** Resolves the operation named by X-Amz-Target, or throws UnknownOperationException. */
  resolve(req: ApiRequest): string {
    const ct = (req.contentType ?? "").split(";")[0]?.trim().toLowerCase();
    // Coral answers a wrong content type with UnknownOperationException (docs/behaviour.md "Protocol-level errors").
    if (ct !== "application/x-amz-json-1.1" && ct !== "application/x-amz-json-1.0") {
      fail(
        "UnknownOperationException",
        `Unsupported Content-Type "${ct ?? ""}": use application/x-amz-json-1.1`,
      );
    }
    const target = req.target;
    if (!target) fail("UnknownOperationException", "Missing X-Amz-Target header");
    if (!target.startsWith(TARGET_DOT)) fail("UnknownOperationException", `Unknown operation ${target}`);
    const name = target.slice(TARGET_DOT.length);
    if (!Object.hasOwn(MODEL_OPERATIONS, name))
      fail("UnknownOperationException", `Unknown operation ${target}`);
    return name;
  }

  /**
   * Takes one request from the caller's per-IP allowance for the public operations; false
   * when it is spent. For doors to a public operation other than the API (the confirmation
   * link page), which then dispatch with `admitted`.
   */
  admit(sourceIp: string): boolean {
    return this.#limiter ? this.#limiter.allow(sourceIp) : true;
  }

  async handle(
    req: ApiRequest,
    ctx: RequestContext,
    opts: { admitted?: boolean } = {},
  ): Promise<ApiResponse> {
    let name: string | undefined;
    try {
      name = this.resolve(req);
      const model = MODEL_OPERATIONS[name];
      const op = this.#ops.get(name);
      if (!model) fail("UnknownOperationException", `Unknown operation ${name}`);
      // Authentication comes before anything about the operation or its input, as on AWS.
      if (model.auth === "sigv4") ctx.accessKeyId = await this.#auth.authenticate(req, name);
      else if (!opts.admitted && !this.admit(ctx.sourceIp)) {
        // Answered directly: every public operation may be throttled, modeled or not.
        return errorResponse(new ServiceError("TooManyRequestsException", messages.tooManyRequests), name);
      }
      if (!op) {
        fail("InvalidParameterException", `Cognate does not support the ${name} operation yet.`, {
          reasonCode: "UNSUPPORTED_OPERATION",
        });
      }
      const text = decodeUtf8(req.body);
      if (text === null) fail("SerializationException", "Invalid UTF-8 in the request body");
      if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
        fail("SerializationException", `JSON nesting deeper than ${MAX_JSON_DEPTH} levels`);
      }
      let input: unknown;
      try {
        // An empty body is an empty input, as SDKs send `{}`.
        input = text.trim() === "" ? {} : JSON.parse(text);
      } catch {
        fail("SerializationException", "Could not parse request body into json");
      }
      // A JSON `null` body is an absent input, as Coral's own wording ("map or null") says.
      if (input === null) input = {};
      if (!isPlainObject(input)) fail("SerializationException", "Expected map or null");
      // The operation validates its input against the model (src/protocol/input.ts) first.
      const result = await op.run(this.#deps, input, ctx);
      return { status: 200, body: JSON.stringify(result ?? {}), operation: name };
    } catch (e) {
      return this.#toError(e, name, ctx);
    }
  }

  #toError(e: unknown, name: string | undefined, ctx: RequestContext): ApiResponse {
    if (e instanceof ServiceError) {
      const op = name === undefined ? undefined : this.#ops.get(name);
      // An error outside the operation's modeled list is a bug of ours: the caller gets
      // InternalErrorException, the log gets the details.
      if (op && !op.errors.includes(e.type) && !isProtocolLevel(e.type)) {
        ctx.log.error({ err: e, operation: name }, "operation raised an error outside its model");
        return errorResponse(new ServiceError("InternalErrorException", messages.internal), name);
      }
      return errorResponse(e, name);
    }
    ctx.log.error({ err: e, operation: name }, "unhandled error");
    return errorResponse(new ServiceError("InternalErrorException", messages.internal), name);
  }
}

function isProtocolLevel(type: WireErrorName): boolean {
  return (
    type === "SerializationException" ||
    type === "UnknownOperationException" ||
    type === "RequestEntityTooLargeException" ||
    type === "MissingAuthenticationTokenException" ||
    type === "IncompleteSignatureException" ||
    type === "InvalidSignatureException" ||
    type === "UnrecognizedClientException" ||
    type === "SignatureDoesNotMatchException"
  );
}
