// Runtime helpers for the generated validators (src/protocol/generated/model.ts).
//
// Constraint violations are collected and reported together, in Coral's format:
//   "2 validation errors detected: Value '' at 'clientId' failed to satisfy constraint: ...; ..."
// A JSON type mismatch aborts at once with a SerializationException, as Coral does.

export class SerializationFault extends Error {
  override readonly name = "SerializationFault";
}

const MAX_RENDERED = 1024;

/** Java-ish toString of a JSON value, as Coral prints it inside validation messages. */
function render(v: unknown): string {
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return `[${v.map(render).join(", ")}]`;
  if (v !== null && typeof v === "object") {
    return `{${Object.entries(v)
      .map(([k, x]) => `${k}=${render(x)}`)
      .join(", ")}}`;
  }
  return String(v);
}

export class Ctx {
  readonly violations: string[] = [];

  missing(path: string): void {
    this.violations.push(`Value null at '${path}' failed to satisfy constraint: Member must not be null`);
  }

  /**
   * A constraint violation. Sensitive values are never echoed, except an empty string,
   * which real Cognito shows as '' (observed for clientId).
   */
  bad(path: string, value: unknown, sensitive: boolean, constraint: string): void {
    let shown: string;
    if (sensitive && value !== "") {
      shown = "Value";
    } else if (typeof value === "number" || typeof value === "boolean") {
      // Coral quotes numbers like any other value: "Value '0' at 'maxResults' ..." is what
      // Cognito answers ListUserPools with MaxResults 0 (aws/aws-sdk-js-v3 issue #2335).
      shown = `Value '${value}'`;
    } else {
      let text = render(value);
      if (text.length > MAX_RENDERED) text = `${text.slice(0, MAX_RENDERED)}...`;
      shown = `Value '${text}'`;
    }
    this.violations.push(`${shown} at '${path}' failed to satisfy constraint: ${constraint}`);
  }

  typeError(_path: string, value: unknown, expected: string): never {
    throw new SerializationFault(serializationMessage(value, expected));
  }

  /** The InvalidParameterException message, or null when the input is valid. */
  message(): string | null {
    const n = this.violations.length;
    if (n === 0) return null;
    return `${n} validation error${n === 1 ? "" : "s"} detected: ${this.violations.join("; ")}`;
  }
}

function jsonTokenName(value: unknown): string {
  if (typeof value === "string") return "STRING_VALUE";
  if (typeof value === "number") return "NUMBER_VALUE";
  if (value === true) return "TRUE_VALUE";
  if (value === false) return "FALSE_VALUE";
  return "VALUE";
}

/** Coral's wording for a JSON value of the wrong type (Jackson token names). */
function serializationMessage(value: unknown, expected: string): string {
  if (expected === "structure" || expected === "map") {
    return Array.isArray(value) ? "Start of list found where not expected" : "Expected map or null";
  }
  if (expected === "list") return "Expected list or null";
  if (Array.isArray(value)) return "Start of list found where not expected";
  if (value !== null && typeof value === "object")
    return "Start of structure or map found where not expected.";
  const target =
    expected === "string" || expected === "blob"
      ? "a String"
      : expected === "boolean"
        ? "a Boolean"
        : expected === "timestamp"
          ? "a Date"
          : "an Integer";
  return `${jsonTokenName(value)} can not be converted to ${target}`;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function join(parent: string, member: string): string {
  return parent === "" ? member : `${parent}.${member}`;
}

export function codePointLength(s: string): number {
  // Fast path: no surrogate pairs means UTF-16 length equals code point count.
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) n--;
  }
  return n;
}

export function base64DecodedLength(s: string): number {
  const pad = s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0;
  return Math.floor((s.length * 3) / 4) - pad;
}
