// VerifyUserAttribute — the signed-in user confirms their email or phone number with the code
// sent to it (auth: the access token). The attribute becomes verified; a value waiting for
// verification replaces the old one ("this operation updates the affected attribute to its
// pending value"); in an AliasAttributes pool the value becomes a sign-in alias, unless
// another user holds it (AliasExistsException). Behaviour and sources: docs/recovery.md,
// "Attribute verification".
import { verifyPurpose } from "../domain/codePurposes.js";
import type { AliasKind } from "../ports/store/index.js";
import { fail, messages } from "../protocol/errors.js";
import { syncAliases } from "../services/attributeChanges.js";
import { codeAttempt, type Redemption, redeemCode } from "../services/codeRedemption.js";
import { openSelfService } from "../services/selfService.js";
import type { TokenDeps } from "../services/tokens/index.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";
import { verifiableAttribute } from "./GetUserAttributeVerificationCode.js";

/** ConfirmSignUp's wording for an alias another user holds. */
const aliasTaken = (kind: AliasKind) => `An account with the ${kind} already exists.`;

export const VerifyUserAttribute = defineOperation(
  "VerifyUserAttribute",
  async (deps: TokenDeps & Pick<Deps, "serverSecret">, input) => {
    const { pool, user } = await openSelfService(deps, input.AccessToken);
    const attribute = verifiableAttribute(input.AttributeName);
    const attempt = codeAttempt(deps, verifyPurpose(attribute), pool.id, user.username, input.Code);
    const now = deps.clock.now();
    const outcome = await deps.store.transaction(async (tx): Promise<Redemption | { kind: "gone" }> => {
      const current = await tx.users.getForUpdate(pool.id, user.username);
      if (!current) return { kind: "gone" };
      const r = await redeemCode(tx, deps, attempt, now);
      if (r.kind !== "ok") return r;
      const pending = (await tx.pendingAttributes.listForUser(pool.id, user.username)).find(
        (p) => p.name === attribute,
      );
      const value = pending?.value ?? current.attributes[attribute];
      // The value the code was sent to was removed since (its code would have been deleted).
      if (value === undefined) return { kind: "expired" };
      const updated = {
        ...current,
        attributes: { ...current.attributes, [attribute]: value, [`${attribute}_verified`]: "true" },
        updatedAt: now,
      };
      await tx.users.update(updated);
      if (pending) await tx.pendingAttributes.delete(pool.id, user.username, attribute);
      // A refusal here rolls the whole redemption back: the code stays usable.
      await syncAliases(tx, pool, current, updated, { kind: "refuse", message: aliasTaken }, now);
      return r;
    });
    switch (outcome.kind) {
      case "ok":
        return {};
      case "gone":
        fail("UserNotFoundException", messages.userNotFound);
        break;
      // A code dead after too many wrong guesses: this operation's model has no
      // TooManyFailedAttemptsException, so the limit's answer.
      case "limited":
      case "locked":
        fail("LimitExceededException", messages.attemptLimit);
        break;
      case "mismatch":
        fail("CodeMismatchException", messages.codeMismatch);
        break;
      case "expired":
      case "taken":
        fail("ExpiredCodeException", messages.codeExpired);
    }
  },
);
