// How an operation is declared: its wire name, the errors it may answer with (exactly the
// model's list), and a handler that takes only the dependencies it uses.
import type { Logger } from "pino";
import type { WireErrorName } from "../protocol/errors.js";
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

export interface Operation<I = unknown, O = unknown> {
  readonly name: string;
  readonly errors: readonly WireErrorName[];
  readonly handler: (deps: Deps, input: I, ctx: RequestContext) => Promise<O>;
}

export function defineOperation<I, O, K extends keyof Deps>(op: {
  name: string;
  errors: readonly WireErrorName[];
  handler: (deps: Pick<Deps, K>, input: I, ctx: RequestContext) => Promise<O>;
}): Operation<I, O> {
  return op as Operation<I, O>;
}
