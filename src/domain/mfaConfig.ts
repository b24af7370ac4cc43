// A pool's MFA settings as SetUserPoolMfaConfig writes and GetUserPoolMfaConfig reads them
// (docs/mfa.md). They live in the pool's configuration document: MfaConfiguration,
// SmsAuthenticationMessage and SmsConfiguration where DescribeUserPool shows them, the others
// beside them (src/domain/pool.ts, PoolMfaOnly).
import { fail } from "../protocol/errors.js";
import type {
  GetUserPoolMfaConfigResponse,
  SetUserPoolMfaConfigRequest,
} from "../protocol/generated/shapes.js";
import type { PoolConfig } from "./pool.js";

export function poolMfaConfig(config: PoolConfig): GetUserPoolMfaConfigResponse {
  const out: GetUserPoolMfaConfigResponse = { MfaConfiguration: config.MfaConfiguration ?? "OFF" };
  if (config.SmsConfiguration !== undefined) {
    out.SmsMfaConfiguration = {
      SmsConfiguration: config.SmsConfiguration,
      ...(config.SmsAuthenticationMessage !== undefined
        ? { SmsAuthenticationMessage: config.SmsAuthenticationMessage }
        : {}),
    };
  }
  if (config.SoftwareTokenMfaConfiguration !== undefined)
    out.SoftwareTokenMfaConfiguration = config.SoftwareTokenMfaConfiguration;
  if (config.EmailMfaConfiguration !== undefined) out.EmailMfaConfiguration = config.EmailMfaConfiguration;
  if (config.WebAuthnConfiguration !== undefined) out.WebAuthnConfiguration = config.WebAuthnConfiguration;
  return out;
}

/** The configuration after SetUserPoolMfaConfig; refuses MFA on or optional with no factor. */
export function applyMfaConfig(current: PoolConfig, input: SetUserPoolMfaConfigRequest): PoolConfig {
  const next: PoolConfig = { ...current };
  if (input.MfaConfiguration !== undefined) next.MfaConfiguration = input.MfaConfiguration;
  if (input.SoftwareTokenMfaConfiguration !== undefined)
    next.SoftwareTokenMfaConfiguration = input.SoftwareTokenMfaConfiguration;
  if (input.EmailMfaConfiguration !== undefined) next.EmailMfaConfiguration = input.EmailMfaConfiguration;
  if (input.WebAuthnConfiguration !== undefined) next.WebAuthnConfiguration = input.WebAuthnConfiguration;
  const sms = input.SmsMfaConfiguration;
  if (sms !== undefined) {
    if (sms.SmsConfiguration !== undefined) next.SmsConfiguration = sms.SmsConfiguration;
    if (sms.SmsAuthenticationMessage !== undefined)
      next.SmsAuthenticationMessage = sms.SmsAuthenticationMessage;
  }
  const mode = next.MfaConfiguration ?? "OFF";
  const anyFactor =
    next.SoftwareTokenMfaConfiguration?.Enabled === true ||
    next.SmsConfiguration !== undefined ||
    next.EmailMfaConfiguration !== undefined;
  // Cognito's wording for this refusal is not documented; ours says what is wrong.
  if (mode !== "OFF" && !anyFactor) {
    fail(
      "InvalidParameterException",
      `MfaConfiguration ${mode} needs at least one MFA method: enable SoftwareTokenMfaConfiguration, SmsMfaConfiguration or EmailMfaConfiguration.`,
    );
  }
  return next;
}
