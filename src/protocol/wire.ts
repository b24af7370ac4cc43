// Request/response types on the wire: the AWS SDK's model types with timestamps as epoch
// seconds (AWS JSON 1.1 sends numbers; the SDK turns them into Date objects client-side).

export type Wire<T> = T extends Date
  ? number
  : T extends Uint8Array
    ? string
    : T extends readonly (infer U)[]
      ? Wire<U>[]
      : T extends object
        ? { [K in keyof T]: Wire<T[K]> }
        : T;

/** Epoch milliseconds → the wire's epoch seconds (fractional, as Cognito sends them). */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}
