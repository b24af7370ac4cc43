// App-client settings: defaults and validation shared by Create/UpdateUserPoolClient, and
// the UserPoolClientType description.
import type { ClientRecord } from "../ports/store/index.js";
import { fail } from "../protocol/errors.js";
import type {
  CreateUserPoolClientRequest,
  UpdateUserPoolClientRequest,
  UserPoolClientType,
} from "../protocol/generated/shapes.js";
import { epochSeconds } from "../protocol/wire.js";

type Settings = Omit<
  CreateUserPoolClientRequest & UpdateUserPoolClientRequest,
  "UserPoolId" | "ClientId" | "ClientName" | "GenerateSecret" | "ClientSecret"
>;

const MINUTES: Record<string, number> = { seconds: 1 / 60, minutes: 1, hours: 60, days: 1440 };

function minutes(value: number, unit: string | undefined, fallback: string): number {
  return value * (MINUTES[unit ?? fallback] ?? 60);
}

/** Settings with Cognito's defaults; like Cognito, Update resets what it is not sent. */
export function clientSettings(input: Settings): Record<string, unknown> {
  const {
    AccessTokenValidity,
    IdTokenValidity,
    RefreshTokenValidity,
    TokenValidityUnits,
    ExplicitAuthFlows,
    PreventUserExistenceErrors,
    ...rest
  } = input;
  const units = {
    AccessToken: TokenValidityUnits?.AccessToken ?? (AccessTokenValidity === undefined ? "minutes" : "hours"),
    IdToken: TokenValidityUnits?.IdToken ?? (IdTokenValidity === undefined ? "minutes" : "hours"),
    RefreshToken: TokenValidityUnits?.RefreshToken ?? "days",
  };
  const access = AccessTokenValidity ?? 60;
  const id = IdTokenValidity ?? 60;
  const refresh = RefreshTokenValidity ?? 30;
  const a = minutes(access, units.AccessToken, "hours");
  const i = minutes(id, units.IdToken, "hours");
  const r = minutes(refresh, units.RefreshToken, "days");
  if (a < 5 || a > 1440)
    fail(
      "InvalidParameterException",
      "Invalid range for token validity: the access token must last between 5 minutes and 1 day.",
    );
  if (i < 5 || i > 1440)
    fail(
      "InvalidParameterException",
      "Invalid range for token validity: the ID token must last between 5 minutes and 1 day.",
    );
  if (r < 60 || r > 3650 * 1440)
    fail(
      "InvalidParameterException",
      "Invalid range for token validity: the refresh token must last between 60 minutes and 10 years.",
    );
  if (r <= a || r <= i)
    fail(
      "InvalidParameterException",
      "Refresh token validity must be greater than the access and ID token validity.",
    );

  const flows = ExplicitAuthFlows ?? ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"];
  const legacy = flows.some((f) => !f.startsWith("ALLOW_"));
  const modern = flows.some((f) => f.startsWith("ALLOW_"));
  if (legacy && modern) {
    fail("InvalidParameterException", "ExplicitAuthFlows cannot mix legacy values with ALLOW_ values.");
  }
  if (
    (rest.AllowedOAuthFlows?.length ?? 0) > 0 &&
    !(rest.CallbackURLs?.length ?? 0) &&
    rest.AllowedOAuthFlowsUserPoolClient
  ) {
    fail("InvalidParameterException", "CallbackURLs must be provided when OAuth flows are allowed.");
  }
  return {
    ...rest,
    AccessTokenValidity: access,
    IdTokenValidity: id,
    RefreshTokenValidity: refresh,
    TokenValidityUnits: units,
    ExplicitAuthFlows: flows,
    PreventUserExistenceErrors: PreventUserExistenceErrors ?? "LEGACY",
    AllowedOAuthFlowsUserPoolClient: rest.AllowedOAuthFlowsUserPoolClient ?? false,
    EnableTokenRevocation: rest.EnableTokenRevocation ?? true,
    EnablePropagateAdditionalUserContextData: rest.EnablePropagateAdditionalUserContextData ?? false,
    AuthSessionValidity: rest.AuthSessionValidity ?? 3,
  };
}

export function describeClient(c: ClientRecord): UserPoolClientType {
  const out: UserPoolClientType = {
    UserPoolId: c.poolId,
    ClientName: c.clientName,
    ClientId: c.clientId,
    ...(c.config as UserPoolClientType),
    LastModifiedDate: epochSeconds(c.lastModifiedDate),
    CreationDate: epochSeconds(c.creationDate),
  };
  if (c.secret !== null) out.ClientSecret = c.secret;
  return out;
}
