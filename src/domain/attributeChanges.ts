// What an attribute edit (src/domain/attributeEdits.ts) does to a user: the attributes after
// it, the email/phone changes left waiting for verification, the verification codes to send
// and to forget. Pure: src/services/attributeChanges.ts runs the plan in a transaction (and
// keeps the sign-in aliases in step with it). Rules and sources: docs/recovery.md, "Attribute
// changes".
//
// An email or phone number that changes:
// - is verified at once when an administrator sets its `<attr>_verified` to true in the same
//   request ("Amazon Cognito doesn't send a verification message");
// - waits for verification when the pool lists it in AttributesRequireVerificationBeforeUpdate
//   and the user has a verified value now: the old value stays in force, the new one is
//   pending, and the code goes to the new one;
// - otherwise replaces the old value at once, unverified, and the code goes to the new value
//   when the pool verifies that attribute automatically.
// The same value again changes nothing and sends nothing.
import type { PendingAttributeRecord, UserRecord, VerifiableAttribute } from "../ports/store/index.js";
import type { AttributeEdit, Writer } from "./attributeEdits.js";
import type { DeliveryTarget } from "./delivery.js";
import type { PoolConfig } from "./pool.js";

export const VERIFIABLE: readonly VerifiableAttribute[] = ["email", "phone_number"];

export interface AttributePlan {
  /** The user's attributes after the change (without `sub`). */
  attributes: Record<string, string>;
  /** New pending values (each replaces the attribute's earlier one). */
  pendingPut: { name: VerifiableAttribute; value: string }[];
  /** Attributes whose pending value goes (applied, reverted, replaced at once or removed). */
  pendingDelete: VerifiableAttribute[];
  /** Verification codes to send, each to the value it verifies. */
  codes: DeliveryTarget[];
  /** Attributes whose outstanding verification code no longer verifies anything. */
  codesDelete: VerifiableAttribute[];
}

const flagOf = (a: VerifiableAttribute) => `${a}_verified` as const;

export function targetFor(attribute: VerifiableAttribute, destination: string): DeliveryTarget {
  return attribute === "email"
    ? { medium: "EMAIL", attributeName: "email", destination }
    : { medium: "SMS", attributeName: "phone_number", destination };
}

/** Whether an update of this attribute keeps the old value until the new one is verified. */
export function waitsForVerification(pool: PoolConfig, attribute: VerifiableAttribute): boolean {
  const list = pool.UserAttributeUpdateSettings?.AttributesRequireVerificationBeforeUpdate ?? [];
  return (list as readonly string[]).includes(attribute);
}

export function planAttributeChange(
  pool: PoolConfig,
  user: UserRecord,
  pending: readonly PendingAttributeRecord[],
  edit: AttributeEdit,
  writer: Writer,
): AttributePlan {
  const attributes = { ...user.attributes };
  const plan: AttributePlan = { attributes, pendingPut: [], pendingDelete: [], codes: [], codesDelete: [] };
  const auto = new Set<string>(pool.AutoVerifiedAttributes ?? []);

  // Everything but email, phone number and their flags: set or removed as asked.
  for (const [name, value] of edit) {
    if (VERIFIABLE.includes(name as VerifiableAttribute)) continue;
    if (name === "email_verified" || name === "phone_number_verified") continue;
    if (value === null) delete attributes[name];
    else attributes[name] = value;
  }

  for (const a of VERIFIABLE) {
    const flag = flagOf(a);
    const asked = edit.get(a);
    // Only an administrator can send a flag (attributeEdits refuses it from a user).
    const flagAsked = writer.kind === "admin" ? edit.get(flag) : undefined;
    const current = user.attributes[a];
    const waiting = pending.find((p) => p.name === a);
    const forget = () => {
      if (waiting) plan.pendingDelete.push(a);
      plan.codesDelete.push(a);
    };

    if (asked === null) {
      // Removed: its flag, its pending value and its code go with it.
      delete attributes[a];
      delete attributes[flag];
      forget();
      continue;
    }
    if (asked !== undefined && asked !== current) {
      if (flagAsked === "true") {
        attributes[a] = asked;
        attributes[flag] = "true";
        forget();
      } else if (
        flagAsked === undefined &&
        waitsForVerification(pool, a) &&
        current !== undefined &&
        user.attributes[flag] === "true"
      ) {
        // The verified value stays in force until the new one is verified.
        plan.pendingPut.push({ name: a, value: asked });
        plan.codes.push(targetFor(a, asked));
      } else {
        attributes[a] = asked;
        attributes[flag] = "false";
        if (waiting) plan.pendingDelete.push(a);
        if (auto.has(a)) plan.codes.push(targetFor(a, asked));
        else plan.codesDelete.push(a);
      }
      continue;
    }
    if (asked !== undefined && waiting) {
      // Back to the value in force: the change waiting for verification is given up.
      forget();
    }
    if (flagAsked === "true") {
      // An administrator's word verifies the pending value if there is one, else the current.
      if (waiting && asked === undefined) attributes[a] = waiting.value;
      attributes[flag] = "true";
      forget();
    } else if (flagAsked === "false") {
      attributes[flag] = "false";
    } else if (flagAsked === null) {
      delete attributes[flag];
    }
  }
  // No duplicates when one attribute was given up twice.
  plan.pendingDelete = [...new Set(plan.pendingDelete)];
  plan.codesDelete = [...new Set(plan.codesDelete)];
  return plan;
}
