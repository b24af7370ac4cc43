import { fail } from "../protocol/errors.js";

/** Opaque pagination tokens: the last key of the page, so pages stay stable under inserts. */
export function encodeToken(lastKey: string): string {
  return Buffer.from(`v1:${lastKey}`, "utf8").toString("base64url");
}

export function decodeToken(token: string | undefined, member: string): string | null {
  if (token === undefined) return null;
  const text = Buffer.from(token, "base64url").toString("utf8");
  if (!text.startsWith("v1:")) fail("InvalidParameterException", `Invalid ${member}.`);
  return text.slice(3);
}
