// User attributes: validation against the pool schema, sign-in name rules, and the
// attribute list shown by AdminGetUser/ListUsers.
import type { AliasKind, UserRecord } from "../ports/store/index.js";
import { fail } from "../protocol/errors.js";
import type { AttributeType, SchemaAttributeType, UserType } from "../protocol/generated/shapes.js";
import { epochSeconds } from "../protocol/wire.js";
import type { PoolConfig } from "./pool.js";

// Cognito requires E.164: a plus sign and digits only.
const PHONE = /^\+[0-9]{4,15}$/;
// Deliberately simple: one @, something on each side, a dot in the domain, no spaces.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function looksLikeEmail(v: string): boolean {
  return EMAIL.test(v);
}
export function looksLikePhone(v: string): boolean {
  return PHONE.test(v);
}

function schemaError(name: string, reason: string): never {
  fail("InvalidParameterException", `Attributes did not conform to the schema: ${name}: ${reason}`);
}

/**
 * Validates SignUp's UserAttributes against the pool schema and the client's
 * WriteAttributes; returns them as a map (the last value of a repeated name wins).
 */
export function validateNewUserAttributes(
  list: readonly AttributeType[] | undefined,
  pool: PoolConfig,
  clientWriteAttributes: readonly string[] | undefined,
): Record<string, string> {
  const schema = new Map((pool.SchemaAttributes ?? []).map((a) => [a.Name ?? "", a]));
  const out: Record<string, string> = {};
  for (const attr of list ?? []) {
    const name = attr.Name ?? "";
    const value = attr.Value ?? "";
    const def = schema.get(name);
    if (!def || def.DeveloperOnlyAttribute) schemaError(name, "Attribute does not exist in the schema.");
    if (name === "sub") schemaError(name, "Attribute cannot be updated. (changing an immutable attribute)");
    if (name === "email_verified" || name === "phone_number_verified") {
      fail("NotAuthorizedException", "A client attempted to write unauthorized attribute");
    }
    if (clientWriteAttributes && clientWriteAttributes.length > 0 && !clientWriteAttributes.includes(name)) {
      fail("NotAuthorizedException", "A client attempted to write unauthorized attribute");
    }
    checkAttributeValue(def, name, value);
    out[name] = value;
  }
  return out;
}

/** What is wrong with a value for its schema attribute (type and constraints), or null. */
export function valueProblem(def: SchemaAttributeType, value: string): string | null {
  const c = def.StringAttributeConstraints;
  if (def.AttributeDataType === "String" && c) {
    if (c.MaxLength !== undefined && value.length > Number(c.MaxLength)) {
      return `String must be no longer than ${c.MaxLength} characters`;
    }
    if (c.MinLength !== undefined && value.length < Number(c.MinLength)) {
      return `String must be no shorter than ${c.MinLength} characters`;
    }
  }
  if (def.AttributeDataType === "Number") {
    if (!/^-?[0-9]+(\.[0-9]+)?$/.test(value)) return "Number is not valid.";
    const n = def.NumberAttributeConstraints;
    if (n?.MinValue !== undefined && Number(value) < Number(n.MinValue)) {
      return `Number must be no less than ${n.MinValue}`;
    }
    if (n?.MaxValue !== undefined && Number(value) > Number(n.MaxValue)) {
      return `Number must be no greater than ${n.MaxValue}`;
    }
  }
  if (def.AttributeDataType === "Boolean" && value !== "true" && value !== "false")
    return "Boolean is not valid.";
  if (def.AttributeDataType === "DateTime" && Number.isNaN(Date.parse(value)))
    return "DateTime is not valid.";
  return null;
}

/**
 * Checks a value against its schema entry and the formats Cognito enforces (email, E.164
 * phone numbers); throws InvalidParameterException with Cognito's wording.
 */
export function checkAttributeValue(def: SchemaAttributeType, name: string, value: string): void {
  if (name === "email" && !looksLikeEmail(value))
    fail("InvalidParameterException", "Invalid email address format.");
  if (name === "phone_number" && !looksLikePhone(value))
    fail("InvalidParameterException", "Invalid phone number format.");
  const problem = valueProblem(def, value);
  if (problem) schemaError(name, problem);
}

/** Throws Cognito's error for the first required attribute that is missing. */
export function checkRequiredAttributes(attributes: Record<string, string>, pool: PoolConfig): void {
  for (const def of pool.SchemaAttributes ?? []) {
    const name = def.Name ?? "";
    if (def.Required && name !== "sub" && !(name in attributes)) {
      schemaError(name, "The attribute is required");
    }
  }
}

/** The stored key of a sign-in value: case-folded when the pool is case-insensitive. */
export function nameKey(value: string, caseInsensitive: boolean): string {
  return caseInsensitive ? value.toLowerCase() : value;
}

/** The value key of an alias: email is always case-insensitive in Cognito. */
export function aliasKey(kind: AliasKind, value: string, caseInsensitive: boolean): string {
  return kind === "email" ? value.toLowerCase() : nameKey(value, caseInsensitive);
}

/** Attributes as AdminGetUser and ListUsers show them (`sub` first). */
export function attributeList(user: UserRecord, only?: readonly string[]): AttributeType[] {
  const all: AttributeType[] = [{ Name: "sub", Value: user.sub }];
  for (const [Name, Value] of Object.entries(user.attributes)) all.push({ Name, Value });
  if (!only || only.length === 0) return all;
  return all.filter((a) => only.includes(a.Name ?? ""));
}

/** A user as AdminCreateUser, ListUsers and ListUsersInGroup show it (UserType: `Attributes`). */
export function userType(user: UserRecord, only?: readonly string[]): UserType {
  return {
    Username: user.username,
    Attributes: attributeList(user, only),
    UserCreateDate: epochSeconds(user.createdAt),
    UserLastModifiedDate: epochSeconds(user.updatedAt),
    Enabled: user.enabled,
    UserStatus: user.status,
  };
}

/**
 * The username a new user gets from the name they gave (SignUp, AdminCreateUser). In
 * UsernameAttributes pools the email or phone given is what the user signs in with: it is
 * stored as that attribute and the username becomes the user's sub. In AliasAttributes pools
 * a username may not look like an alias kind the pool uses. Refusals carry Cognito's messages.
 */
export function newUsername(
  config: { UsernameAttributes?: string[] | undefined; AliasAttributes?: string[] | undefined },
  givenName: string,
  sub: string,
): { username: string; signInKind: "email" | "phone_number" | null } {
  const usernameAttrs = config.UsernameAttributes ?? [];
  const aliasAttrs = config.AliasAttributes ?? [];
  if (usernameAttrs.length > 0) {
    const email = usernameAttrs.includes("email") && looksLikeEmail(givenName);
    const phone = usernameAttrs.includes("phone_number") && looksLikePhone(givenName);
    if (!email && !phone) {
      fail(
        "InvalidParameterException",
        usernameAttrs.length === 2
          ? "Username should be either an email or a phone number."
          : usernameAttrs[0] === "email"
            ? "Username should be an email."
            : "Username should be a phone number.",
      );
    }
    return { username: sub, signInKind: email ? "email" : "phone_number" };
  }
  if (aliasAttrs.includes("email") && looksLikeEmail(givenName)) {
    fail(
      "InvalidParameterException",
      "Username cannot be of email format, since user pool is configured for email alias.",
    );
  }
  if (aliasAttrs.includes("phone_number") && looksLikePhone(givenName)) {
    fail(
      "InvalidParameterException",
      "Username cannot be of phone number format, since user pool is configured for phone_number alias.",
    );
  }
  return { username: givenName, signInKind: null };
}
