// Where a confirmation code goes, and what CodeDeliveryDetails says about it.
import type { CodeDeliveryDetailsType } from "../protocol/generated/shapes.js";
import { maskDestination } from "./masking.js";
import { autoVerified, type PoolConfig } from "./pool.js";

export interface DeliveryTarget {
  medium: "EMAIL" | "SMS";
  attributeName: "email" | "phone_number";
  destination: string;
}

/**
 * The pool's auto-verified attribute the user has: phone (SMS) first, then email. "If a user
 * signs up with both a phone number and an email address, and your user pool settings require
 * verification of both attributes, Amazon Cognito sends a verification code to the phone
 * number" (developer guide, "Signing up and confirming user accounts").
 */
export function chooseTarget(pool: PoolConfig, attributes: Record<string, string>): DeliveryTarget | null {
  const auto = autoVerified(pool);
  const phone = attributes.phone_number;
  if (auto.phone && phone) return { medium: "SMS", attributeName: "phone_number", destination: phone };
  const email = attributes.email;
  if (auto.email && email) return { medium: "EMAIL", attributeName: "email", destination: email };
  return null;
}

export function deliveryDetails(target: DeliveryTarget): CodeDeliveryDetailsType {
  return {
    AttributeName: target.attributeName,
    DeliveryMedium: target.medium,
    Destination: maskDestination(target.medium, target.destination),
  };
}
