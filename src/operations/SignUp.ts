// SignUp — registers a user in the app client's pool and sends a confirmation code when the
// pool auto-verifies an attribute the user has (auth: none).
import {
  aliasKey,
  checkRequiredAttributes,
  newUsername,
  validateNewUserAttributes,
} from "../domain/attributes.js";
import { passwordCredentials } from "../domain/credentials.js";
import { chooseTarget, type DeliveryTarget, deliveryDetails } from "../domain/delivery.js";
import { expensiveCost, passwordPolicyViolation } from "../domain/passwords.js";
import { caseInsensitive } from "../domain/pool.js";
import { preSignUpAttributes, preSignUpEvent } from "../domain/triggerEvents.js";
import { asUsername, usernameKey } from "../domain/usernames.js";
import type { AliasKind, UserRecord } from "../ports/store/index.js";
import { fail } from "../protocol/errors.js";
import type { SignUpRequest, SignUpResponse } from "../protocol/generated/shapes.js";
import { claimAliases } from "../services/aliases.js";
import { recordAuthEvent } from "../services/authEvents.js";
import { type IssuedCode, issueCode, saveCode } from "../services/codes.js";
import { rememberNewUserPassword } from "../services/passwordHistory.js";
import { chargeForPasswordHash, openPublicRequest } from "../services/publicRequest.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

function attributeMap(list: SignUpRequest["ValidationData"]): Record<string, string> | undefined {
  if (!list) return undefined;
  const out: Record<string, string> = {};
  for (const a of list) out[a.Name ?? ""] = a.Value ?? "";
  return out;
}

/** UsernameExistsException's message: the username, or the sign-in attribute that is taken. */
function nameTaken(attribute: AliasKind | null): string {
  return attribute === null
    ? "User already exists"
    : `An account with the given ${attribute} already exists.`;
}

export const SignUp = defineOperation(
  "SignUp",
  async (
    deps: Pick<
      Deps,
      | "directory"
      | "store"
      | "clock"
      | "random"
      | "serverSecret"
      | "config"
      | "delivery"
      | "triggers"
      | "passwordCost"
      | "hashGate"
      | "ipLimiter"
    >,
    input,
    ctx,
  ) => {
    const givenName = input.Username;
    const clientId = input.ClientId;
    const { client, pool } = await openPublicRequest(deps, {
      clientId,
      username: givenName,
      secretHash: input.SecretHash,
    });
    const config = pool.config;
    const ci = caseInsensitive(config);
    // A pool where only administrators create users (docs/admin-users.md, "AdminCreateUser").
    if (config.AdminCreateUserConfig?.AllowAdminCreateUserOnly === true) {
      fail("NotAuthorizedException", "SignUp is not permitted for this user pool");
    }

    // The password: required unless the pool signs users in without one.
    const factors = config.Policies?.SignInPolicy?.AllowedFirstAuthFactors ?? ["PASSWORD"];
    const passwordless = factors.some((f) => f !== "PASSWORD");
    const password = input.Password === "" ? undefined : input.Password;
    if (password === undefined && !passwordless) {
      fail(
        "InvalidParameterException",
        "1 validation error detected: Value null at 'password' failed to satisfy constraint: Member must not be null",
      );
    }
    if (password !== undefined) {
      const violation = passwordPolicyViolation(password, config.Policies?.PasswordPolicy);
      if (violation) fail("InvalidPasswordException", violation);
    }

    const writeAttributes = client.config.WriteAttributes as string[] | undefined;
    const attributes = validateNewUserAttributes(input.UserAttributes, config, writeAttributes);

    // Sign-in names: in UsernameAttributes pools the email/phone is what users type and the
    // username becomes a UUID; in AliasAttributes pools the username may not look like one.
    const sub = deps.random.uuid();
    const named = newUsername(config, givenName, sub);
    const username = asUsername(named.username);
    const signInKind: AliasKind | null = named.signInKind;
    if (signInKind !== null) attributes[signInKind] = givenName;
    checkRequiredAttributes(attributes, config);
    if (attributes.email !== undefined) attributes.email_verified = "false";
    if (attributes.phone_number !== undefined) attributes.phone_number_verified = "false";

    const now = deps.clock.now();
    const user: UserRecord = {
      poolId: pool.id,
      username,
      sub,
      status: "UNCONFIRMED",
      enabled: true,
      attributes,
      passwordHash: null,
      srp: null,
      passwordChangedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    const eventContext = {
      region: deps.config.region,
      userPoolId: pool.id,
      userName: username,
      clientId,
      userAgent: ctx.userAgent,
    };

    // PreSignUp may reject the sign-up, confirm the user, or verify attributes.
    if (deps.triggers.configured(pool, "PreSignUp")) {
      const event = preSignUpEvent(
        eventContext,
        "PreSignUp_SignUp",
        preSignUpAttributes(attributes),
        attributeMap(input.ValidationData),
        input.ClientMetadata,
      );
      const r = await deps.triggers.invoke(pool, "PreSignUp", event);
      if (r.autoVerifyEmail === true) {
        if (attributes.email === undefined) {
          fail("InvalidParameterException", "Cannot auto-verify email: the user has no email attribute.");
        }
        attributes.email_verified = "true";
      }
      if (r.autoVerifyPhone === true) {
        if (attributes.phone_number === undefined) {
          fail(
            "InvalidParameterException",
            "Cannot auto-verify phone_number: the user has no phone_number attribute.",
          );
        }
        attributes.phone_number_verified = "true";
      }
      if (r.autoConfirmUser === true) user.status = "CONFIRMED";
    }

    // A code goes out unless the user is already confirmed, to an auto-verified attribute
    // that is not verified yet.
    let target: DeliveryTarget | null = null;
    let issued: IssuedCode | null = null;
    if (user.status === "UNCONFIRMED") {
      const unverified: Record<string, string> = {};
      if (attributes.phone_number !== undefined && attributes.phone_number_verified !== "true") {
        unverified.phone_number = attributes.phone_number;
      }
      if (attributes.email !== undefined && attributes.email_verified !== "true")
        unverified.email = attributes.email;
      target = chooseTarget(config, unverified);
      if (target) {
        issued = await issueCode(deps, {
          purpose: "SIGNUP",
          source: "CustomMessage_SignUp",
          pool,
          clientId,
          user,
          target,
          clientMetadata: input.ClientMetadata,
          userAgent: ctx.userAgent,
        });
      }
    }

    if (password !== undefined) {
      // An expensive hash is not paid for a name that is taken: one indexed read refuses it
      // first. The insert below stays the authority (a concurrent sign-up may still win).
      if (expensiveCost(deps.passwordCost)) {
        const taken =
          signInKind === null
            ? await deps.store.read.users.get(pool.id, usernameKey(username, ci))
            : await deps.store.read.aliases.find(pool.id, signInKind, aliasKey(signInKind, givenName, ci));
        if (taken) fail("UsernameExistsException", nameTaken(signInKind));
      }
      // The slow hash runs on the thread pool, outside any transaction, and is charged to the
      // caller's allowance.
      chargeForPasswordHash(deps, ctx.sourceIp);
      Object.assign(user, await passwordCredentials(deps, pool.id, username, password, now));
    }

    await deps.store.transaction(async (tx) => {
      if (!(await tx.users.createIfAbsent(user, usernameKey(username, ci)))) {
        fail("UsernameExistsException", nameTaken(null));
      }
      if (signInKind !== null) {
        const claimed = await tx.aliases.claim({
          poolId: pool.id,
          kind: signInKind,
          valueKey: aliasKey(signInKind, givenName, ci),
          username,
        });
        if (!claimed) fail("UsernameExistsException", nameTaken(signInKind));
      }
      // The first password starts the pool's history (docs/admin-users.md, "Password history").
      await rememberNewUserPassword(tx, pool, user);
      // A PreSignUp auto-confirm with auto-verified attributes makes aliases at once; as in
      // Cognito, a verified email or phone alias held by another user moves to the new one.
      // A preferred_username another user holds does not (SignUp has no AliasExistsException:
      // the name is refused as taken).
      if (user.status === "CONFIRMED") {
        const aliases = await claimAliases(tx, pool, user, true, now);
        if (aliases.kind === "taken") fail("UsernameExistsException", nameTaken(aliases.attribute));
      }
      if (issued) await saveCode(tx, issued);
      await recordAuthEvent(tx, deps, {
        poolId: pool.id,
        username,
        clientId,
        eventType: "SignUp",
        now,
        userAgent: ctx.userAgent,
        input,
      });
    });

    const out: SignUpResponse = { UserConfirmed: user.status === "CONFIRMED", UserSub: sub };
    if (target) out.CodeDeliveryDetails = deliveryDetails(target);
    return out;
  },
);
