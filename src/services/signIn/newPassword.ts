// The answer to NEW_PASSWORD_REQUIRED (docs/signin-challenges.md, "New password required"): the
// Session from the challenge, USERNAME, NEW_PASSWORD (the pool's password policy applies) and
// `userAttributes.<name>` for each required attribute the user lacks (others may be given
// too); the pool's password history applies after the policy (docs/admin-users.md, "Password
// history"). On success the password's hash and SRP verifier are stored (and remembered), the
// user is CONFIRMED, and the sign-in ends with tokens (PreTokenGeneration source
// TokenGeneration_NewPasswordChallenge), or goes on to its MFA step (docs/mfa.md).
import { validateNewUserAttributes } from "../../domain/attributes.js";
import { passwordCredentials } from "../../domain/credentials.js";
import { POLICY_PREFIX, passwordPolicyViolation } from "../../domain/passwords.js";
import { caseInsensitive } from "../../domain/pool.js";
import { usernameKey } from "../../domain/usernames.js";
import type { Deps } from "../../operations/deps.js";
import type { StoreTx, UserRecord } from "../../ports/store/index.js";
import { fail, messages } from "../../protocol/errors.js";
import type { AttributeType } from "../../protocol/generated/shapes.js";
import { refuseReusedPassword, rememberPassword } from "../passwordHistory.js";
import { namesOfUser, type TokenDeps } from "../tokens/index.js";
import { findUser } from "../users.js";
import { missingRequiredAttributes } from "./challenges.js";
import { completeSignIn } from "./complete.js";
import { knownSignInDevice } from "./devices.js";
import { requireParameter } from "./flows.js";
import { PASSWORD_STEPS } from "./mfaAttempts.js";
import { requireMfa } from "./mfaStep.js";
import { checkSignInSecret } from "./password.js";
import type { OpenedRespond, SignInResponse } from "./request.js";
import { consumeOnce, openChallengeSession, passwordTag, SESSION_MESSAGES } from "./session.js";

export type NewPasswordDeps = TokenDeps &
  Pick<Deps, "serverSecret" | "hashGate" | "passwordCost" | "latency" | "srpMath" | "delivery">;

const ATTRIBUTE_PREFIX = "userAttributes.";

/** The attributes the answer gives (`userAttributes.<name>` members), as an attribute list. */
function givenAttributes(params: Record<string, string>): AttributeType[] {
  return Object.entries(params)
    .filter(([k]) => k.startsWith(ATTRIBUTE_PREFIX))
    .map(([k, v]) => ({ Name: k.slice(ATTRIBUTE_PREFIX.length), Value: v }));
}

/** Whether `typed` names `user`: its username, sub or a sign-in alias. */
export async function namesTheUser(
  deps: Pick<Deps, "store">,
  s: OpenedRespond,
  typed: string,
  user: UserRecord,
): Promise<boolean> {
  if (namesOfUser(user).includes(typed)) return true;
  return (await findUser(deps.store.read, s.pool, typed))?.username === user.username;
}

export async function answerNewPassword(deps: NewPasswordDeps, s: OpenedRespond): Promise<SignInResponse> {
  const session = openChallengeSession(deps, s, "NEW_PASSWORD_REQUIRED");
  const params = s.request.parameters;
  const typed = requireParameter(params, "USERNAME");
  const newPassword = requireParameter(params, "NEW_PASSWORD");
  const ci = caseInsensitive(s.pool.config);
  const user = await deps.store.read.users.get(s.pool.id, usernameKey(session.state.username, ci));
  // The user was deleted, or their password changed, since the challenge: the session is over.
  if (
    !user ||
    user.username !== session.state.username ||
    user.status !== "FORCE_CHANGE_PASSWORD" ||
    passwordTag(user) !== session.state.userTag
  ) {
    fail("NotAuthorizedException", SESSION_MESSAGES.invalid);
  }
  if (!(await namesTheUser(deps, s, typed, user))) fail("NotAuthorizedException", SESSION_MESSAGES.invalid);
  checkSignInSecret(s.client, typed, user, params.SECRET_HASH);
  if (!user.enabled) fail("NotAuthorizedException", messages.userDisabled);

  const violation = passwordPolicyViolation(
    newPassword,
    s.pool.config.Policies?.PasswordPolicy,
    POLICY_PREFIX.newPassword,
  );
  if (violation !== null) fail("InvalidPasswordException", violation);
  const writable = Array.isArray(s.client.config.WriteAttributes)
    ? s.client.config.WriteAttributes.filter((a): a is string => typeof a === "string")
    : undefined;
  const given = validateNewUserAttributes(givenAttributes(params), s.pool.config, writable);
  const schema = new Map((s.pool.config.SchemaAttributes ?? []).map((a) => [a.Name ?? "", a]));
  const aliasKinds = new Set<string>([
    ...(s.pool.config.UsernameAttributes ?? []),
    ...(s.pool.config.AliasAttributes ?? []),
  ]);
  for (const [name, value] of Object.entries(given)) {
    const current = user.attributes[name];
    if (current === undefined || current === value) continue;
    // An immutable attribute cannot change once set (Cognito's wording); nor, here, a sign-in
    // alias, whose change would have to move the alias too (UpdateUserAttributes' work).
    if (schema.get(name)?.Mutable === false || aliasKinds.has(name)) {
      fail("NotAuthorizedException", `Cannot modify an already provided ${name}`);
    }
  }
  const attributes = { ...user.attributes, ...given };
  const missing = missingRequiredAttributes(s, attributes);
  if (missing[0] !== undefined) {
    fail("InvalidParameterException", `Invalid attributes given, ${missing[0]} is missing`);
  }

  // The pool's password history, once everything cheap has passed (the temporary password
  // counts: it is the current one). Nothing is spent: the same session may try another.
  // The write below refuses a user whose password changed since, so the check holds.
  await refuseReusedPassword(deps, s.pool, user, newPassword);

  const now = deps.clock.now();
  const credentials = await passwordCredentials(deps, s.pool.id, user.username, newPassword, now);
  // Single use, spent only now: an answer refused above may be corrected with the same session.
  if (!(await consumeOnce(deps, s.pool.id, "session", session.id, session.expiresAt))) {
    fail("NotAuthorizedException", SESSION_MESSAGES.used);
  }
  const updated = await deps.store.transaction(async (tx: StoreTx) => {
    const current = await tx.users.getForUpdate(s.pool.id, user.username);
    if (current?.status !== "FORCE_CHANGE_PASSWORD" || passwordTag(current) !== session.state.userTag) {
      fail("NotAuthorizedException", SESSION_MESSAGES.invalid);
    }
    const next: UserRecord = {
      ...current,
      ...credentials,
      status: "CONFIRMED",
      attributes: { ...current.attributes, ...given },
      updatedAt: now,
    };
    await tx.users.update(next);
    await rememberPassword(tx, s.pool, current, credentials);
    return next;
  });
  // The device the answer names (identity-js sends the key it holds): a confirmed device of the
  // user gets the tokens; any other key is ignored and the sign-in gets a new one (docs/devices.md).
  const device = await knownSignInDevice(deps, s, updated, params.DEVICE_KEY);
  // The new password is in place; MFA, when it applies, is the sign-in's next step (docs/mfa.md).
  const mfa = await requireMfa(deps, s, updated, session.state.flow, device?.deviceKey);
  if (mfa !== null) return mfa;
  const result = await completeSignIn(deps, s, {
    user: updated,
    source: "TokenGeneration_NewPasswordChallenge",
    authTime: now,
    clientMetadata: s.request.clientMetadata,
    deviceKey: device?.deviceKey,
    steps: PASSWORD_STEPS.success,
  });
  return { ChallengeParameters: {}, AuthenticationResult: result };
}
