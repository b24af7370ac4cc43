// Checking a schema attribute's StringAttributeConstraints / NumberAttributeConstraints
// when a pool is created. The model types the bounds as strings, so "invalid_value" passes
// the wire validation; stored as is, it would make the limit silently never apply (Number()
// of it is NaN), and a minimum above the maximum would refuse every value. Both are refused
// here. Cognito does not document its wording; these messages are the ones public
// reimplementations use (moto), naming the attribute as stored: `custom:x`, `dev:custom:x`,
// or the standard name.
import { fail } from "../protocol/errors.js";
import type { SchemaAttributeType } from "../protocol/generated/shapes.js";

/** The longest value a string attribute may be given a limit for (quota page: 2048). */
export const MAX_STRING_ATTRIBUTE_LENGTH = 2048;

const WHOLE_NUMBER = /^[0-9]{1,10}$/;

/** A bound as a number, undefined when absent; throws InvalidParameterException when malformed. */
function bound(value: string | undefined, kind: string, name: string): number | undefined {
  if (value === undefined) return undefined;
  // Only plain non-negative whole numbers: "1e3", "1.5", "-1" and "" are refused (strict: no
  // public source shows Cognito accepting any of them).
  if (!WHOLE_NUMBER.test(value))
    fail("InvalidParameterException", `Invalid ${kind} for schema attribute ${name}`);
  return Number(value);
}

/** Throws InvalidParameterException when the attribute's constraints are malformed or contradict. */
export function checkConstraints(attr: SchemaAttributeType): void {
  const name = attr.Name ?? "";
  const s = attr.StringAttributeConstraints;
  if (attr.AttributeDataType === "String" && s) {
    const min = bound(s.MinLength, "StringAttributeConstraints", name);
    const max = bound(s.MaxLength, "StringAttributeConstraints", name);
    if ((min ?? 0) > MAX_STRING_ATTRIBUTE_LENGTH || (max ?? 0) > MAX_STRING_ATTRIBUTE_LENGTH) {
      fail(
        "InvalidParameterException",
        `user.${name}: String attributes cannot have a length of more than ${MAX_STRING_ATTRIBUTE_LENGTH}`,
      );
    }
    if (min !== undefined && max !== undefined && min > max) {
      fail("InvalidParameterException", `user.${name}: Max length cannot be less than min length.`);
    }
  }
  const n = attr.NumberAttributeConstraints;
  if (attr.AttributeDataType === "Number" && n) {
    const min = bound(n.MinValue, "NumberAttributeConstraints", name);
    const max = bound(n.MaxValue, "NumberAttributeConstraints", name);
    if (min !== undefined && max !== undefined && min > max) {
      fail("InvalidParameterException", `user.${name}: Max value cannot be less than min value.`);
    }
  }
}
