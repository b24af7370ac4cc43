// ConfirmSignUp — confirms a user with the code sent at sign-up or resend (auth: none).
import { classifyCode, codeHmac } from "../domain/codes.js";
import { timeOrderedId } from "../domain/ids.js";
import { eventAttributes, postConfirmationEvent } from "../domain/triggerEvents.js";
import type { UserRecord } from "../ports/store/index.js";
import { fail, messages } from "../protocol/errors.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";
import { claimAliases } from "./shared/aliases.js";
import { checkPoolQuota } from "./shared/quota.js";
import { requireSecretHash } from "./shared/secret.js";
import { findUser } from "./shared/users.js";

export const TOO_MANY_FAILED_ATTEMPTS = "Too many failed attempts.";

type Outcome =
  | { kind: "ok"; user: UserRecord }
  | { kind: "status"; status: string }
  | { kind: "gone" }
  | { kind: "limited" }
  | { kind: "locked" }
  | { kind: "expired" }
  | { kind: "mismatch" };

export function confirmLimitKey(poolId: string, username: string): string {
  return `${poolId}|confirm|${username}`;
}

export const ConfirmSignUp = defineOperation(
  "ConfirmSignUp",
  async (
    deps: Pick<Deps, "directory" | "store" | "clock" | "random" | "serverSecret" | "config" | "triggers">,
    input,
    ctx,
  ) => {
    const givenName = input.Username;
    const clientId = input.ClientId;
    const { client, pool } = await deps.directory.client(clientId);
    requireSecretHash(client, givenName, input.SecretHash);
    await checkPoolQuota(deps, pool.id);
    const protect = client.config.PreventUserExistenceErrors === "ENABLED";

    const found = await findUser(deps.store.read, pool, givenName);
    if (!found?.enabled) {
      // With PreventUserExistenceErrors an unknown user looks like a wrong code.
      if (protect) fail("CodeMismatchException", messages.codeMismatch);
      if (!found) fail("UserNotFoundException", messages.userNotFoundForClient);
      fail("NotAuthorizedException", messages.userDisabled);
    }
    if (found.status !== "UNCONFIRMED") fail("NotAuthorizedException", messages.cannotConfirm(found.status));

    const limits = deps.config.limits;
    const now = deps.clock.now();
    const submitted = codeHmac(deps.serverSecret, pool.id, found.username, "SIGNUP", input.ConfirmationCode);
    const force = input.ForceAliasCreation === true;

    // Attempts are counted before the code is compared, in the same transaction; wrong
    // guesses return a result instead of throwing so that their counting commits.
    const outcome = await deps.store.transaction(async (tx): Promise<Outcome> => {
      const user = await tx.users.getForUpdate(pool.id, found.username);
      if (!user) return { kind: "gone" };
      if (user.status !== "UNCONFIRMED") return { kind: "status", status: user.status };
      const hit = await tx.limits.hit(
        confirmLimitKey(pool.id, user.username),
        limits.confirmWindowSeconds * 1000,
        limits.confirmPerUser,
        now,
      );
      if (!hit.allowed) return { kind: "limited" };
      const stored = await tx.codes.get(pool.id, user.username, "SIGNUP");
      const check = classifyCode(stored, submitted, now, limits.codeMaxFailedAttempts);
      switch (check.kind) {
        case "none":
        case "expired":
          return { kind: "expired" };
        case "locked":
          return { kind: "locked" };
        case "mismatch":
          await tx.codes.addFailedAttempt(pool.id, user.username, "SIGNUP", limits.codeMaxFailedAttempts);
          return { kind: "mismatch" };
        case "ok":
          break;
      }
      // Consumed atomically: of concurrent confirmations with the right code, one wins.
      if (!(await tx.codes.consume(pool.id, user.username, "SIGNUP", submitted, now))) {
        return { kind: "status", status: "CONFIRMED" };
      }
      const attr = stored?.attributeName ?? "email";
      const confirmed: UserRecord = {
        ...user,
        status: "CONFIRMED",
        attributes: { ...user.attributes, [`${attr}_verified`]: "true" },
        updatedAt: now,
      };
      await tx.users.update(confirmed);
      await claimAliases(tx, pool, confirmed, force, now);
      await tx.events.add({
        id: timeOrderedId(deps.random, now),
        poolId: pool.id,
        username: user.username,
        clientId,
        eventType: "ConfirmSignUp",
        createdAt: now,
        ipAddress: input.UserContextData?.IpAddress ?? null,
        encodedData: input.UserContextData?.EncodedData ?? null,
        analyticsEndpointId: input.AnalyticsMetadata?.AnalyticsEndpointId ?? null,
        userAgent: ctx.userAgent ?? null,
      });
      return { kind: "ok", user: confirmed };
    });

    switch (outcome.kind) {
      case "gone":
        if (protect) fail("CodeMismatchException", messages.codeMismatch);
        fail("UserNotFoundException", messages.userNotFoundForClient);
        break;
      case "status":
        fail("NotAuthorizedException", messages.cannotConfirm(outcome.status));
        break;
      case "limited":
        fail("LimitExceededException", messages.attemptLimit);
        break;
      case "locked":
        fail("TooManyFailedAttemptsException", TOO_MANY_FAILED_ATTEMPTS);
        break;
      case "expired":
        fail("ExpiredCodeException", messages.codeExpired);
        break;
      case "mismatch":
        fail("CodeMismatchException", messages.codeMismatch);
        break;
      case "ok":
        break;
    }

    // PostConfirmation runs after the commit: if it fails the caller gets its error, and the
    // user stays confirmed (as in Cognito).
    if (deps.triggers.configured(pool, "PostConfirmation")) {
      const event = postConfirmationEvent(
        {
          region: deps.config.region,
          userPoolId: pool.id,
          userName: outcome.user.username,
          clientId,
          userAgent: ctx.userAgent,
        },
        eventAttributes(outcome.user),
        input.ClientMetadata,
      );
      await deps.triggers.invoke(pool, "PostConfirmation", event);
    }
    return {};
  },
);
