// What a request to change a user's attributes asks for, checked against the pool's schema and
// against who asks: the user (UpdateUserAttributes, DeleteUserAttributes: the app client's
// WriteAttributes; never developer-only attributes nor the verification flags) or an
// administrator (AdminUpdateUserAttributes, AdminDeleteUserAttributes: anything but `sub`).
// Pure: the attribute-change service (src/services/attributeChanges.ts) applies the result.
// Messages and their sources: docs/recovery.md, "Attribute changes".
import type { UserRecord } from "../ports/store/index.js";
import { fail } from "../protocol/errors.js";
import type { AttributeType } from "../protocol/generated/shapes.js";
import { looksLikeEmail, looksLikePhone, valueProblem } from "./attributes.js";
import type { PoolConfig } from "./pool.js";

export type Writer = { kind: "admin" } | { kind: "user"; writeAttributes: readonly string[] | undefined };

/** Attribute name → new value (set) or null (removed: a blank value, or a deletion). */
export type AttributeEdit = Map<string, string | null>;

export const UNAUTHORIZED_WRITE = "A client attempted to write unauthorized attribute";
export const VERIFIED_FLAGS: Readonly<Record<string, "email" | "phone_number">> = {
  email_verified: "email",
  phone_number_verified: "phone_number",
};

type Reason = (name: string, reason: string) => never;

// The update operations name the attribute ("user.<name>: …", observed with a final newline);
// the delete operations put "Invalid user attributes:" first.
const updateProblem: Reason = (name, reason) =>
  fail("InvalidParameterException", `user.${name}: ${reason}\n`);
const deleteProblem: Reason = (name, reason) =>
  fail("InvalidParameterException", `Invalid user attributes: \nuser.${name}: ${reason}\n`);

/** The checks every named attribute gets, whether it is set or removed. */
function checkName(
  name: string,
  pool: PoolConfig,
  user: UserRecord,
  writer: Writer,
  problem: Reason,
): NonNullable<PoolConfig["SchemaAttributes"]>[number] {
  // sub names the user: nobody changes it.
  if (name === "sub") fail("InvalidParameterException", "Cannot modify the non-mutable attribute sub");
  const def = (pool.SchemaAttributes ?? []).find((a) => a.Name === name);
  if (!def) problem(name, "Attribute does not exist in the schema.");
  if (writer.kind === "user") {
    // Developer-only attributes and the verification flags are the administrator's.
    if (def.DeveloperOnlyAttribute || name in VERIFIED_FLAGS)
      fail("NotAuthorizedException", UNAUTHORIZED_WRITE);
    const allowed = writer.writeAttributes;
    if (allowed && allowed.length > 0 && !allowed.includes(name)) {
      fail("NotAuthorizedException", UNAUTHORIZED_WRITE);
    }
  }
  // An immutable attribute keeps the value it was given at creation.
  if (def.Mutable === false && user.attributes[name] !== undefined)
    problem(name, "Attribute cannot be updated.");
  return def;
}

/**
 * UpdateUserAttributes / AdminUpdateUserAttributes: the attributes to set and (blank values:
 * "To delete an attribute from the user, submit the attribute in your API request with a
 * blank value") to remove. A repeated name: the last one counts.
 */
export function attributeUpdates(
  list: readonly AttributeType[],
  pool: PoolConfig,
  user: UserRecord,
  writer: Writer,
): AttributeEdit {
  const edit: AttributeEdit = new Map();
  for (const attr of list) {
    const name = attr.Name ?? "";
    const value = attr.Value ?? "";
    const def = checkName(name, pool, user, writer, updateProblem);
    if (value === "") {
      if (def.Required) updateProblem(name, "The attribute is required");
      edit.set(name, null);
      continue;
    }
    if (name === "email" && !looksLikeEmail(value))
      fail("InvalidParameterException", "Invalid email address format.");
    if (name === "phone_number" && !looksLikePhone(value)) {
      fail("InvalidParameterException", "Invalid phone number format.");
    }
    const problem = valueProblem(def, value);
    if (problem) updateProblem(name, problem);
    edit.set(name, value);
  }
  // A verification flag needs its attribute: in the request, or already the user's.
  for (const [flag, attribute] of Object.entries(VERIFIED_FLAGS)) {
    if (!edit.has(flag)) continue;
    const value = edit.has(attribute) ? edit.get(attribute) : user.attributes[attribute];
    if (value === null || value === undefined) {
      fail(
        "InvalidParameterException",
        attribute === "email"
          ? "Email is required to verify/un-verify an email"
          : "Phone Number is required to verify/un-verify a phone number",
      );
    }
  }
  return edit;
}

/** DeleteUserAttributes / AdminDeleteUserAttributes: the attributes to remove. */
export function attributeDeletions(
  names: readonly string[],
  pool: PoolConfig,
  user: UserRecord,
  writer: Writer,
): AttributeEdit {
  const edit: AttributeEdit = new Map();
  for (const name of names) {
    const def = checkName(name, pool, user, writer, deleteProblem);
    if (def.Required) deleteProblem(name, "The attribute is required");
    edit.set(name, null);
  }
  return edit;
}
