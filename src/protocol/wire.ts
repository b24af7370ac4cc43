// Values in wire form: AWS JSON 1.1 sends timestamps as epoch seconds (the SDKs turn them into
// Date objects client-side). The request and response types themselves are generated from the
// model (src/protocol/generated/shapes.ts).

/** Epoch milliseconds → the wire's epoch seconds (fractional, as Cognito sends them). */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}
