// User-pool settings: defaults, validation of Create/UpdateUserPool input, and the
// UserPoolType description. Pure functions; the operations do the I/O.
import { fail } from "../protocol/errors.js";
import type {
  CreateUserPoolRequest,
  EmailMfaConfigType,
  PasswordPolicyType,
  SchemaAttributeType,
  SoftwareTokenMfaConfigType,
  UpdateUserPoolRequest,
  UserPoolType,
  WebAuthnConfigurationType,
} from "../protocol/generated/shapes.js";
import { epochSeconds } from "../protocol/wire.js";
import { checkConstraints } from "./schemaConstraints.js";

/**
 * Everything DescribeUserPool returns that is not an id, name, date or count, and the MFA
 * settings only GetUserPoolMfaConfig shows (docs/mfa.md).
 */
export type PoolConfig = Omit<
  UserPoolType,
  "Id" | "Name" | "Arn" | "CreationDate" | "LastModifiedDate" | "EstimatedNumberOfUsers"
> &
  PoolMfaOnly;

/** Set by SetUserPoolMfaConfig, kept by UpdateUserPool, not part of DescribeUserPool's answer. */
export interface PoolMfaOnly {
  SoftwareTokenMfaConfiguration?: SoftwareTokenMfaConfigType;
  EmailMfaConfiguration?: EmailMfaConfigType;
  WebAuthnConfiguration?: WebAuthnConfigurationType;
}

type SchemaAttribute = SchemaAttributeType;

function stringAttr(name: string, min = "0", max = "2048"): SchemaAttribute {
  return {
    Name: name,
    AttributeDataType: "String",
    DeveloperOnlyAttribute: false,
    Mutable: true,
    Required: false,
    StringAttributeConstraints: { MinLength: min, MaxLength: max },
  };
}

function booleanAttr(name: string): SchemaAttribute {
  return {
    Name: name,
    AttributeDataType: "Boolean",
    DeveloperOnlyAttribute: false,
    Mutable: true,
    Required: false,
  };
}

/** The standard attributes every pool has, as DescribeUserPool lists them. */
export function standardSchema(): SchemaAttribute[] {
  return [
    { ...stringAttr("sub", "1", "2048"), Mutable: false, Required: true },
    stringAttr("name"),
    stringAttr("given_name"),
    stringAttr("family_name"),
    stringAttr("middle_name"),
    stringAttr("nickname"),
    stringAttr("preferred_username"),
    stringAttr("profile"),
    stringAttr("picture"),
    stringAttr("website"),
    stringAttr("email"),
    booleanAttr("email_verified"),
    stringAttr("gender"),
    stringAttr("birthdate", "10", "10"),
    stringAttr("zoneinfo"),
    stringAttr("locale"),
    stringAttr("phone_number"),
    booleanAttr("phone_number_verified"),
    stringAttr("address"),
    {
      Name: "updated_at",
      AttributeDataType: "Number",
      DeveloperOnlyAttribute: false,
      Mutable: true,
      Required: false,
      NumberAttributeConstraints: { MinValue: "0" },
    },
  ];
}

const STANDARD_NAMES = new Set(standardSchema().map((a) => a.Name));
export const MAX_CUSTOM_ATTRIBUTES = 50;

/** Merges CreateUserPool's Schema into the standard attributes (custom ones get `custom:`). */
export function buildSchema(requested: readonly SchemaAttributeType[] | undefined): SchemaAttribute[] {
  const schema = standardSchema();
  const seen = new Set<string>();
  let custom = 0;
  for (const attr of requested ?? []) {
    // The model leaves Name optional, but an attribute without one cannot be addressed.
    if (!attr.Name) fail("InvalidParameterException", "Every attribute in Schema needs a Name.");
    const name = attr.Name;
    if (seen.has(name)) fail("InvalidParameterException", `Duplicate attribute name ${name} in schema.`);
    seen.add(name);
    if (STANDARD_NAMES.has(name)) {
      const std = schema.find((a) => a.Name === name);
      if (!std) continue;
      if (name === "sub") fail("InvalidParameterException", "sub attribute cannot be modified.");
      if (attr.AttributeDataType !== undefined && attr.AttributeDataType !== std.AttributeDataType) {
        fail("InvalidParameterException", `${name} attribute's data type cannot be changed.`);
      }
      if (attr.Required !== undefined) std.Required = attr.Required;
      if (attr.Mutable !== undefined) std.Mutable = attr.Mutable;
      if (attr.StringAttributeConstraints && std.AttributeDataType === "String") {
        std.StringAttributeConstraints = {
          ...std.StringAttributeConstraints,
          ...attr.StringAttributeConstraints,
        };
      }
      checkConstraints(std);
      continue;
    }
    if (attr.Required)
      fail("InvalidParameterException", "Required custom attributes are not supported currently.");
    custom++;
    if (custom > MAX_CUSTOM_ATTRIBUTES) {
      fail(
        "InvalidParameterException",
        `A user pool can have at most ${MAX_CUSTOM_ATTRIBUTES} custom attributes.`,
      );
    }
    schema.push(customAttribute(attr));
  }
  return schema;
}

export function customAttribute(attr: SchemaAttributeType): SchemaAttribute {
  const type = attr.AttributeDataType ?? "String";
  const prefix = attr.DeveloperOnlyAttribute ? "dev:custom:" : "custom:";
  const out: SchemaAttribute = {
    Name: `${prefix}${attr.Name ?? ""}`,
    AttributeDataType: type,
    DeveloperOnlyAttribute: attr.DeveloperOnlyAttribute ?? false,
    Mutable: attr.Mutable ?? true,
    Required: false,
  };
  if (type === "String") out.StringAttributeConstraints = attr.StringAttributeConstraints ?? {};
  if (type === "Number") out.NumberAttributeConstraints = attr.NumberAttributeConstraints ?? {};
  checkConstraints(out);
  return out;
}

const DEFAULT_PASSWORD_POLICY = {
  MinimumLength: 8,
  RequireUppercase: true,
  RequireLowercase: true,
  RequireNumbers: true,
  RequireSymbols: true,
  TemporaryPasswordValidityDays: 7,
};

/**
 * PasswordHistorySize 0 is the same as none, and Cognito leaves it out of DescribeUserPool
 * then (API reference, PasswordPolicyType: "Password history isn't enforced and isn't
 * displayed in DescribeUserPool responses when you set this value to 0 or don't provide it").
 */
function withoutZeroHistory(policy: PasswordPolicyType): PasswordPolicyType {
  const { PasswordHistorySize, ...rest } = policy;
  return PasswordHistorySize === undefined || PasswordHistorySize === 0 ? rest : policy;
}

/** Tags a user pool may carry (AWS's per-resource tag quota). */
const MAX_TAGS = 50;

type UpdatableSettings = Omit<UpdateUserPoolRequest, "UserPoolId" | "PoolName">;

/**
 * The settings UpdateUserPool can change, normalised with Cognito's defaults. UpdateUserPool
 * resets every setting it does not receive to its default (API reference: "If you don't
 * provide a value for an attribute, Amazon Cognito sets it to its default value"), so Create
 * and Update share this function.
 */
function updatableSettings(input: UpdatableSettings): Partial<PoolConfig> {
  const out: Partial<PoolConfig> = {};
  out.Policies = {
    ...input.Policies,
    PasswordPolicy: withoutZeroHistory({ ...DEFAULT_PASSWORD_POLICY, ...input.Policies?.PasswordPolicy }),
    SignInPolicy: input.Policies?.SignInPolicy ?? { AllowedFirstAuthFactors: ["PASSWORD"] },
  };
  out.DeletionProtection = input.DeletionProtection ?? "INACTIVE";
  out.LambdaConfig = input.LambdaConfig ?? {};
  if (input.AutoVerifiedAttributes !== undefined)
    out.AutoVerifiedAttributes = [...new Set(input.AutoVerifiedAttributes)];
  out.MfaConfiguration = input.MfaConfiguration ?? "OFF";
  out.EmailConfiguration = input.EmailConfiguration ?? { EmailSendingAccount: "COGNITO_DEFAULT" };
  if (out.EmailConfiguration.EmailSendingAccount === undefined) {
    out.EmailConfiguration = { ...out.EmailConfiguration, EmailSendingAccount: "COGNITO_DEFAULT" };
  }
  if (input.SmsConfiguration !== undefined) out.SmsConfiguration = input.SmsConfiguration;
  if (input.SmsAuthenticationMessage !== undefined)
    out.SmsAuthenticationMessage = input.SmsAuthenticationMessage;
  out.AdminCreateUserConfig = {
    AllowAdminCreateUserOnly: false,
    UnusedAccountValidityDays: 7,
    ...input.AdminCreateUserConfig,
  };
  out.UserPoolTags = input.UserPoolTags ?? {};
  if (Object.keys(out.UserPoolTags).length > MAX_TAGS) {
    // The model sets no bound on the map; Cognito's quota is 50 tags per pool. Its wording for
    // more is not public: Coral's for a map over its length is the closest.
    fail(
      "InvalidParameterException",
      `1 validation error detected: Value at 'userPoolTags' failed to satisfy constraint: Member must have length less than or equal to ${MAX_TAGS}`,
    );
  }
  if (input.UserAttributeUpdateSettings !== undefined)
    out.UserAttributeUpdateSettings = input.UserAttributeUpdateSettings;
  if (input.UserPoolAddOns !== undefined) out.UserPoolAddOns = input.UserPoolAddOns;
  if (input.AccountRecoverySetting !== undefined) out.AccountRecoverySetting = input.AccountRecoverySetting;
  if (input.DeviceConfiguration !== undefined) out.DeviceConfiguration = input.DeviceConfiguration;
  out.UserPoolTier = input.UserPoolTier ?? "ESSENTIALS";
  Object.assign(out, messageSettings(input));
  return out;
}

/**
 * VerificationMessageTemplate and the legacy EmailVerificationMessage/Subject and
 * SmsVerificationMessage describe the same thing; Cognito keeps them in step.
 */
function messageSettings(input: UpdatableSettings): Partial<PoolConfig> {
  const t = { ...input.VerificationMessageTemplate };
  // Both EmailMessage and EmailMessageByLink may be set whatever the option: Cognito keeps
  // both (an infrastructure-as-code provider's acceptance test against AWS reads both back,
  // though the API reference says otherwise) and the option chooses which one is sent
  // (domain/templates.ts).
  const option = t.DefaultEmailOption ?? "CONFIRM_WITH_CODE";
  if (
    input.EmailVerificationMessage !== undefined &&
    t.EmailMessage !== undefined &&
    input.EmailVerificationMessage !== t.EmailMessage
  ) {
    fail(
      "InvalidParameterException",
      "EmailVerificationMessage and VerificationMessageTemplate.EmailMessage must match.",
    );
  }
  const emailMessage = t.EmailMessage ?? input.EmailVerificationMessage;
  const emailSubject = t.EmailSubject ?? input.EmailVerificationSubject;
  const smsMessage = t.SmsMessage ?? input.SmsVerificationMessage;
  const template: NonNullable<PoolConfig["VerificationMessageTemplate"]> = { DefaultEmailOption: option };
  const out: Partial<PoolConfig> = {};
  if (smsMessage !== undefined) {
    template.SmsMessage = smsMessage;
    out.SmsVerificationMessage = smsMessage;
  }
  if (emailMessage !== undefined) {
    template.EmailMessage = emailMessage;
    out.EmailVerificationMessage = emailMessage;
  }
  if (emailSubject !== undefined) {
    template.EmailSubject = emailSubject;
    out.EmailVerificationSubject = emailSubject;
  }
  if (t.EmailMessageByLink !== undefined) template.EmailMessageByLink = t.EmailMessageByLink;
  if (t.EmailSubjectByLink !== undefined) template.EmailSubjectByLink = t.EmailSubjectByLink;
  out.VerificationMessageTemplate = template;
  return out;
}

const NO_UPDATE_SETTINGS = { AttributesRequireVerificationBeforeUpdate: [] };

/**
 * An attribute can only wait for verification before an update if the pool verifies it.
 * Cognito checks the settings as they will be after the call: an UpdateUserPool that sends
 * only DeletionProtection to a pool keeping email updates pending fails with this message,
 * because the omitted AutoVerifiedAttributes resets while the update settings stay
 * (observed, ekristen/aws-nuke issue #477).
 */
function checkUpdateSettings(config: PoolConfig): void {
  const verified = new Set<string>(config.AutoVerifiedAttributes ?? []);
  const pending = config.UserAttributeUpdateSettings?.AttributesRequireVerificationBeforeUpdate ?? [];
  if (pending.some((a) => !verified.has(a))) {
    fail(
      "InvalidParameterException",
      "All attributes in AttributesRequireVerificationBeforeUpdate must exist in AutoVerifiedAttributes",
    );
  }
}

export function createPoolConfig(input: CreateUserPoolRequest): PoolConfig {
  if (input.UsernameAttributes?.length && input.AliasAttributes?.length) {
    fail(
      "InvalidParameterException",
      "Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.",
    );
  }
  const {
    PoolName: _name,
    Schema,
    UsernameAttributes,
    AliasAttributes,
    UsernameConfiguration,
    ...rest
  } = input;
  const config: PoolConfig = {
    UserAttributeUpdateSettings: NO_UPDATE_SETTINGS,
    ...updatableSettings(rest),
    SchemaAttributes: buildSchema(Schema),
    Status: "Enabled",
  };
  if (UsernameAttributes !== undefined) config.UsernameAttributes = [...new Set(UsernameAttributes)];
  if (AliasAttributes !== undefined) config.AliasAttributes = [...new Set(AliasAttributes)];
  if (UsernameConfiguration !== undefined) config.UsernameConfiguration = UsernameConfiguration;
  checkUpdateSettings(config);
  return config;
}

/** UpdateUserPool: settings not sent go back to their defaults; creation-only ones stay. */
export function updatePoolConfig(current: PoolConfig, input: UpdateUserPoolRequest): PoolConfig {
  const { UserPoolId: _id, PoolName: _name, ...rest } = input;
  const next: PoolConfig = {
    // Kept when not sent (see checkUpdateSettings); everything else updatable resets.
    UserAttributeUpdateSettings: current.UserAttributeUpdateSettings ?? NO_UPDATE_SETTINGS,
    ...updatableSettings(rest),
    SchemaAttributes: current.SchemaAttributes ?? standardSchema(),
    Status: current.Status ?? "Enabled",
  };
  if (current.UsernameAttributes !== undefined) next.UsernameAttributes = current.UsernameAttributes;
  if (current.AliasAttributes !== undefined) next.AliasAttributes = current.AliasAttributes;
  if (current.UsernameConfiguration !== undefined) next.UsernameConfiguration = current.UsernameConfiguration;
  if (current.Domain !== undefined) next.Domain = current.Domain;
  if (current.SoftwareTokenMfaConfiguration !== undefined)
    next.SoftwareTokenMfaConfiguration = current.SoftwareTokenMfaConfiguration;
  if (current.EmailMfaConfiguration !== undefined) next.EmailMfaConfiguration = current.EmailMfaConfiguration;
  if (current.WebAuthnConfiguration !== undefined) next.WebAuthnConfiguration = current.WebAuthnConfiguration;
  checkUpdateSettings(next);
  return next;
}

export interface PoolDescriptionInput {
  id: string;
  name: string;
  arn: string;
  config: PoolConfig;
  creationDate: number;
  lastModifiedDate: number;
  estimatedNumberOfUsers: number;
}

export function describePool(p: PoolDescriptionInput): UserPoolType {
  const {
    SoftwareTokenMfaConfiguration: _totp,
    EmailMfaConfiguration: _email,
    WebAuthnConfiguration: _webAuthn,
    ...described
  } = p.config;
  const policy = described.Policies?.PasswordPolicy;
  // Pools stored before 0 was dropped on the way in still hold it: not shown either.
  if (described.Policies && policy) {
    described.Policies = { ...described.Policies, PasswordPolicy: withoutZeroHistory(policy) };
  }
  return {
    Id: p.id,
    Name: p.name,
    ...described,
    Arn: p.arn,
    CreationDate: epochSeconds(p.creationDate),
    LastModifiedDate: epochSeconds(p.lastModifiedDate),
    EstimatedNumberOfUsers: p.estimatedNumberOfUsers,
  };
}

/** Is the pool's sign-in case-insensitive? (UsernameConfiguration.CaseSensitive false.) */
export function caseInsensitive(config: PoolConfig): boolean {
  return config.UsernameConfiguration?.CaseSensitive === false;
}

/** The attributes the pool verifies automatically, in Cognito's preference order. */
export function autoVerified(config: PoolConfig): { phone: boolean; email: boolean } {
  const list = config.AutoVerifiedAttributes ?? [];
  return { phone: list.includes("phone_number"), email: list.includes("email") };
}
