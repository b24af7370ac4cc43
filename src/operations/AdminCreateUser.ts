// AdminCreateUser — an administrator creates a user with a temporary password (given, or made
// to the pool's policy), in FORCE_CHANGE_PASSWORD, and invites them; or, with MessageAction
// RESEND, gives a user still awaiting their first sign-in a new temporary password and
// invitation (SigV4). Processing order and the decisions where Cognito is silent:
// docs/admin-users.md, "AdminCreateUser".
import { validateAdminCreateAttributes } from "../domain/adminAttributes.js";
import { aliasKey, newUsername, userType } from "../domain/attributes.js";
import { passwordCredentials } from "../domain/credentials.js";
import { POLICY_PREFIX, passwordPolicyViolation } from "../domain/passwords.js";
import { caseInsensitive, type PoolConfig } from "../domain/pool.js";
import { generateTemporaryPassword } from "../domain/temporaryPassword.js";
import { CLIENT_ID_NOT_APPLICABLE, preSignUpAttributes, preSignUpEvent } from "../domain/triggerEvents.js";
import { asUsername, usernameKey } from "../domain/usernames.js";
import type { AliasKind, OutboxMessage, PoolRecord, UserRecord } from "../ports/store/index.js";
import { fail, messages, ServiceError } from "../protocol/errors.js";
import type { AdminCreateUserRequest } from "../protocol/generated/shapes.js";
import { claimAliases } from "../services/aliases.js";
import { invitationMessages, invitationTargets, type Medium } from "../services/invitation.js";
import { rememberNewUserPassword } from "../services/passwordHistory.js";
import { findUser } from "../services/users.js";
import { defineOperation, type RequestContext } from "./define.js";
import type { Deps } from "./deps.js";

type CreateDeps = Pick<
  Deps,
  | "directory"
  | "store"
  | "clock"
  | "random"
  | "config"
  | "delivery"
  | "triggers"
  | "passwordCost"
  | "hashGate"
>;

export const USER_EXISTS = "User account already exists";

function attributeMap(list: AdminCreateUserRequest["ValidationData"]): Record<string, string> | undefined {
  if (!list) return undefined;
  const out: Record<string, string> = {};
  for (const a of list) out[a.Name ?? ""] = a.Value ?? "";
  return out;
}

/** The temporary password: the one given (checked against the policy), or a new one. */
function temporaryPassword(
  deps: Pick<Deps, "random">,
  config: PoolConfig,
  given: string | undefined,
): string {
  if (given === undefined || given === "") return generateTemporaryPassword(deps.random, config);
  const violation = passwordPolicyViolation(given, config.Policies?.PasswordPolicy, POLICY_PREFIX.newUser);
  if (violation) fail("InvalidPasswordException", violation);
  return given;
}

/** The sign-in name `{username}` stands for: the email or phone in UsernameAttributes pools. */
function signInName(pool: PoolRecord, user: UserRecord): string {
  for (const kind of (pool.config.UsernameAttributes ?? []) as AliasKind[]) {
    const v = user.attributes[kind];
    if (v !== undefined) return v;
  }
  return user.username;
}

/**
 * Routes the invitation; a medium that cannot be delivered does not stop the creation
 * (Cognito creates the user and answers CodeDeliveryFailureException) — the caller gets the
 * error after the user is stored.
 */
async function invite(
  deps: CreateDeps,
  pool: PoolRecord,
  user: UserRecord,
  password: string,
  input: AdminCreateUserRequest,
  ctx: RequestContext,
): Promise<{ messages: OutboxMessage[]; failure: ServiceError | null }> {
  if (input.MessageAction === "SUPPRESS") return { messages: [], failure: null };
  const targets = invitationTargets(input.DesiredDeliveryMediums as Medium[] | undefined, user.attributes);
  try {
    const out = await invitationMessages(deps, {
      pool,
      user,
      signInName: signInName(pool, user),
      password,
      targets,
      clientMetadata: input.ClientMetadata,
      userAgent: ctx.userAgent,
    });
    return { messages: out, failure: null };
  } catch (e) {
    if (e instanceof ServiceError && e.type === "CodeDeliveryFailureException")
      return { messages: [], failure: e };
    // AdminCreateUser's modeled errors have no InvalidEmailRoleAccessPolicyException: an
    // email identity the pool may not use is a delivery failure here.
    if (e instanceof ServiceError && e.type === "InvalidEmailRoleAccessPolicyException") {
      return { messages: [], failure: new ServiceError("CodeDeliveryFailureException", e.message) };
    }
    throw e;
  }
}

async function resend(
  deps: CreateDeps,
  pool: PoolRecord,
  input: AdminCreateUserRequest,
  ctx: RequestContext,
) {
  const found = await findUser(deps.store.read, pool, input.Username);
  if (!found) fail("UserNotFoundException", messages.userNotFound);
  if (found.status !== "FORCE_CHANGE_PASSWORD") {
    fail(
      "UnsupportedUserStateException",
      `Resend not possible. ${found.username} status is not FORCE_CHANGE_PASSWORD`,
    );
  }
  const password = temporaryPassword(deps, pool.config, input.TemporaryPassword);
  const now = deps.clock.now();
  // A new temporary password restarts its validity window (passwordChangedAt).
  const next: UserRecord = {
    ...found,
    ...(await passwordCredentials(deps, pool.id, found.username, password, now)),
    updatedAt: now,
  };
  const sent = await invite(deps, pool, next, password, input, ctx);
  await deps.store.transaction(async (tx) => {
    const current = await tx.users.getForUpdate(pool.id, found.username);
    if (current?.status !== "FORCE_CHANGE_PASSWORD") {
      fail(
        "UnsupportedUserStateException",
        `Resend not possible. ${found.username} status is not FORCE_CHANGE_PASSWORD`,
      );
    }
    await tx.users.update({
      ...current,
      passwordHash: next.passwordHash,
      srp: next.srp,
      passwordChangedAt: now,
      updatedAt: now,
    });
    // Remembered like the first one, and never refused by the history.
    await rememberNewUserPassword(tx, pool, next);
    for (const m of sent.messages) await tx.outbox.enqueue(m);
  });
  if (sent.failure) throw sent.failure;
  return { User: userType({ ...found, passwordChangedAt: now, updatedAt: now }) };
}

export const AdminCreateUser = defineOperation("AdminCreateUser", async (deps: CreateDeps, input, ctx) => {
  const pool = await deps.directory.pool(input.UserPoolId);
  const config = pool.config;
  if (input.MessageAction === "RESEND") return resend(deps, pool, input, ctx);
  const ci = caseInsensitive(config);
  const givenName = input.Username;
  const attributes = validateAdminCreateAttributes(input.UserAttributes, config);

  // Sign-in names, as for SignUp: in UsernameAttributes pools the email or phone given as
  // Username is what the user types and the username becomes the sub.
  const sub = deps.random.uuid();
  const named = newUsername(config, givenName, sub);
  const username = asUsername(named.username);
  const signInKind: AliasKind | null = named.signInKind;
  if (signInKind !== null) attributes[signInKind] = givenName;
  const password = temporaryPassword(deps, config, input.TemporaryPassword);

  // A taken name is refused before the trigger runs and the hash is paid for; the insert
  // below stays the authority.
  if (await deps.store.read.users.get(pool.id, usernameKey(username, ci))) {
    fail("UsernameExistsException", USER_EXISTS);
  }
  if (signInKind !== null && (await findUser(deps.store.read, pool, givenName))) {
    fail("UsernameExistsException", `An account with the given ${signInKind} already exists.`);
  }

  const now = deps.clock.now();
  // PreSignUp_AdminCreateUser may refuse the user; its auto-confirm and auto-verify answers
  // are ignored (developer guide, pre sign-up trigger).
  if (deps.triggers.configured(pool, "PreSignUp")) {
    const event = preSignUpEvent(
      {
        region: deps.config.region,
        userPoolId: pool.id,
        userName: username,
        clientId: CLIENT_ID_NOT_APPLICABLE,
        userAgent: ctx.userAgent,
      },
      "PreSignUp_AdminCreateUser",
      preSignUpAttributes(attributes),
      attributeMap(input.ValidationData),
      input.ClientMetadata,
    );
    await deps.triggers.invoke(pool, "PreSignUp", event);
  }

  const user: UserRecord = {
    poolId: pool.id,
    username,
    sub,
    status: "FORCE_CHANGE_PASSWORD",
    enabled: true,
    attributes,
    ...(await passwordCredentials(deps, pool.id, username, password, now)),
    createdAt: now,
    updatedAt: now,
  };
  const sent = await invite(deps, pool, user, password, input, ctx);

  await deps.store.transaction(async (tx) => {
    if (!(await tx.users.createIfAbsent(user, usernameKey(username, ci)))) {
      fail("UsernameExistsException", USER_EXISTS);
    }
    if (signInKind !== null) {
      const claimed = await tx.aliases.claim({
        poolId: pool.id,
        kind: signInKind,
        valueKey: aliasKey(signInKind, givenName, ci),
        username,
      });
      if (!claimed)
        fail("UsernameExistsException", `An account with the given ${signInKind} already exists.`);
    }
    // Verified email and phone aliases (and preferred_username) are the user's from the
    // start. Another user's verified alias moves only with ForceAliasCreation; without it
    // the name is refused as taken (AdminCreateUser's modeled errors have no
    // AliasExistsException).
    const aliases = await claimAliases(tx, pool, user, input.ForceAliasCreation === true, now);
    if (aliases.kind === "taken") {
      fail("UsernameExistsException", `An account with the given ${aliases.attribute} already exists.`);
    }
    // The temporary password starts the pool's history (docs/admin-users.md, "Password history").
    await rememberNewUserPassword(tx, pool, user);
    for (const m of sent.messages) await tx.outbox.enqueue(m);
  });
  if (sent.failure) throw sent.failure;
  return { User: userType(user) };
});
