// Where a request's JSON becomes an operation's typed input: the operation's validator,
// generated from the service model, runs, and only an input it accepts reaches the handler,
// typed by the shapes generated from the same model (src/protocol/generated/shapes.ts).
import { fail } from "./errors.js";
import { MODEL_OPERATIONS } from "./generated/model.js";
import type { OperationName, Operations } from "./generated/shapes.js";
import { Ctx, SerializationFault } from "./validationRuntime.js";

/** An operation's input as its handler sees it: the model's required members are present. */
export type OperationInput<N extends OperationName> = Operations[N]["input"];
/** An operation's output in wire form (epoch-second timestamps, base64 blobs). */
export type OperationOutput<N extends OperationName> = Operations[N]["output"];
/** The errors the model lists for an operation. */
export type OperationErrors<N extends OperationName> = Operations[N]["errors"];

/**
 * Checks `input`, a JSON object, against operation `name`'s input shape: a JSON type mismatch
 * is a SerializationException, constraint violations one InvalidParameterException listing
 * them all (Coral's format). When it returns, `input` has the operation's input type.
 */
export function assertValidInput<N extends OperationName>(
  name: N,
  input: unknown,
): asserts input is OperationInput<N> {
  const validate = MODEL_OPERATIONS[name]?.input;
  if (!validate) return;
  const c = new Ctx();
  try {
    validate(input, "", c, false);
  } catch (e) {
    if (e instanceof SerializationFault) fail("SerializationException", e.message);
    throw e;
  }
  const msg = c.message();
  if (msg !== null) fail("InvalidParameterException", msg);
}
