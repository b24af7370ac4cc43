// How an operation is declared: `defineOperation("ResendConfirmationCode", handler)`. The wire
// name selects the input and output types generated from the service model, and the errors
// the operation may answer with are the model's list for it, never written by hand. The
// handler names the dependencies it uses (a Pick of Deps), so its signature documents them.
import type { Logger } from "pino";
import type { WireErrorName } from "../protocol/errors.js";
import { MODEL_ERRORS } from "../protocol/generated/model.js";
import type { OperationName } from "../protocol/generated/shapes.js";
import {
  assertValidInput,
  type OperationErrors,
  type OperationInput,
  type OperationOutput,
} from "../protocol/input.js";
import type { Deps } from "./deps.js";

export interface RequestContext {
  requestId: string;
  /** The caller's address (socket peer). */
  sourceIp: string;
  userAgent: string | undefined;
  log: Logger;
  /** The access key a SigV4-signed request was verified for, when it was. */
  accessKeyId: string | undefined;
  /**
   * Set when Cognate itself makes the call on someone's behalf rather than a wire client:
   * "console" for the dev console's user actions (src/http/console/actions.ts). Absent for
   * API requests. Operations behave the same either way; logs say who asked.
   */
  via?: "console";
}

/** An operation's handler: its dependencies, its validated input, the request's context. */
export type Handler<N extends OperationName, K extends keyof Deps> = (
  deps: Pick<Deps, K>,
  input: OperationInput<N>,
  ctx: RequestContext,
) => Promise<OperationOutput<N>>;

/** An operation as the dispatcher and the registry see it, whatever its name. */
export interface Operation {
  readonly name: OperationName;
  /** The model's error list: the dispatcher answers any other error with InternalErrorException. */
  readonly errors: readonly WireErrorName[];
  /** Validates `input` (a parsed JSON object) against the model, then runs the handler. */
  run(deps: Deps, input: unknown, ctx: RequestContext): Promise<object>;
}

/** A declared operation, keeping its name's types (for tests and callers that need them). */
export interface DefinedOperation<N extends OperationName, K extends keyof Deps> extends Operation {
  readonly name: N;
  readonly errors: OperationErrors<N>;
  readonly handler: Handler<N, K>;
}

export function defineOperation<N extends OperationName, K extends keyof Deps>(
  name: N,
  handler: Handler<N, K>,
): DefinedOperation<N, K> {
  return {
    name,
    errors: MODEL_ERRORS[name],
    handler,
    async run(deps, input, ctx) {
      assertValidInput(name, input);
      return handler(deps, input, ctx);
    },
  };
}
