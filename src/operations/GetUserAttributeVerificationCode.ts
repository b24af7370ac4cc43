// GetUserAttributeVerificationCode — sends the signed-in user a code to verify their email or
// phone number (auth: the access token): to the value waiting for verification if there is
// one, else to the current value; a new code supersedes the previous one for that attribute.
// Behaviour and sources: docs/recovery.md, "Attribute verification".
import { verifyPurpose } from "../domain/codePurposes.js";
import { deliveryDetails } from "../domain/delivery.js";
import type { VerifiableAttribute } from "../ports/store/index.js";
import { fail, messages } from "../protocol/errors.js";
import { verificationTarget } from "../services/attributeChanges.js";
import { countIssue, issueCode, overIssueLimit, saveCode } from "../services/codes.js";
import { openSelfService } from "../services/selfService.js";
import type { TokenDeps } from "../services/tokens/index.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const VERIFY_MESSAGES = {
  notVerifiable: "Invalid attribute name. Only phone_number and email can be verified.",
  // Cognito's wording is not on record (docs/recovery.md).
  noValue: (name: string) => `The user has no ${name} to verify.`,
} as const;

/** The attribute named, if it is one that can be verified; InvalidParameterException otherwise. */
export function verifiableAttribute(name: string): VerifiableAttribute {
  if (name !== "email" && name !== "phone_number")
    fail("InvalidParameterException", VERIFY_MESSAGES.notVerifiable);
  return name;
}

export const GetUserAttributeVerificationCode = defineOperation(
  "GetUserAttributeVerificationCode",
  async (deps: TokenDeps & Pick<Deps, "serverSecret" | "delivery">, input, ctx) => {
    const { pool, user, clientId } = await openSelfService(deps, input.AccessToken);
    const attribute = verifiableAttribute(input.AttributeName);
    const target = await verificationTarget(deps.store.read, user, attribute);
    if (!target) fail("InvalidParameterException", VERIFY_MESSAGES.noValue(attribute));
    const purpose = verifyPurpose(attribute);
    const now = deps.clock.now();
    // A cheap read first, so that an over-limit caller costs no trigger call.
    if (await overIssueLimit(deps, purpose, pool.id, user.username, now)) {
      fail("LimitExceededException", messages.attemptLimit);
    }
    const issued = await issueCode(deps, {
      purpose,
      source: "CustomMessage_VerifyUserAttribute",
      pool,
      clientId,
      user,
      target,
      clientMetadata: input.ClientMetadata,
      userAgent: ctx.userAgent,
    });
    const outcome = await deps.store.transaction(async (tx) => {
      const current = await tx.users.getForUpdate(pool.id, user.username);
      if (!current) return "gone" as const;
      // The value changed since: this code would verify something else.
      const still = await verificationTarget(tx, current, attribute);
      if (still?.destination !== target.destination) return "changed" as const;
      if (!(await countIssue(tx, deps, purpose, pool.id, user.username, now))) return "limited" as const;
      await saveCode(tx, issued);
      return "ok" as const;
    });
    if (outcome === "gone") fail("UserNotFoundException", messages.userNotFound);
    if (outcome === "limited") fail("LimitExceededException", messages.attemptLimit);
    if (outcome === "changed") fail("InvalidParameterException", VERIFY_MESSAGES.noValue(attribute));
    return { CodeDeliveryDetails: deliveryDetails(target) };
  },
);
