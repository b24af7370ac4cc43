// The attributes an administrator gives a new user (AdminCreateUser). Unlike SignUp, no app
// client's WriteAttributes apply: an administrator may set developer-only attributes,
// immutable ones (creation is their one chance), and the verification flags; required
// attributes are not enforced ("administrators can use the AdminCreateUser API" to create
// users without them — developer guide). `sub` is Cognito's own. Sources and the decisions
// where Cognito is silent: docs/admin-users.md, "AdminCreateUser".
import { fail } from "../protocol/errors.js";
import type { AttributeType } from "../protocol/generated/shapes.js";
import { checkAttributeValue } from "./attributes.js";
import type { PoolConfig } from "./pool.js";

const VERIFIED_FLAGS = {
  email_verified: { attribute: "email", message: "Email is required to verify/un-verify an email" },
  phone_number_verified: {
    attribute: "phone_number",
    message: "Phone Number is required to verify/un-verify a phone number",
  },
} as const;

export function validateAdminCreateAttributes(
  list: readonly AttributeType[] | undefined,
  pool: PoolConfig,
): Record<string, string> {
  const schema = new Map((pool.SchemaAttributes ?? []).map((a) => [a.Name ?? "", a]));
  const out: Record<string, string> = {};
  for (const attr of list ?? []) {
    const name = attr.Name ?? "";
    const value = attr.Value ?? "";
    if (name === "sub") fail("InvalidParameterException", "Cannot modify the non-mutable attribute sub");
    const def = schema.get(name);
    if (!def) {
      fail(
        "InvalidParameterException",
        `Attributes did not conform to the schema: Type for attribute {${name}} could not be determined`,
      );
    }
    checkAttributeValue(def, name, value);
    out[name] = value;
  }
  // A verification flag needs the attribute it is about.
  for (const [flag, { attribute, message }] of Object.entries(VERIFIED_FLAGS)) {
    if (out[flag] !== undefined && out[attribute] === undefined) fail("InvalidParameterException", message);
  }
  return out;
}
