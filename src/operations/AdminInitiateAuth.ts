// AdminInitiateAuth — starts a sign-in from a trusted back end: USER_SRP_AUTH, ADMIN_USER_PASSWORD_AUTH
// (and its legacy name ADMIN_NO_SRP_AUTH) and REFRESH_TOKEN_AUTH so far (SigV4). The work is the
// sign-in service's (src/services/signIn/).
import { initiateAuth } from "../services/signIn/index.js";
import type { PasswordDeps } from "../services/signIn/password.js";
import { presentParameters } from "../services/signIn/request.js";
import { defineOperation } from "./define.js";

export const AdminInitiateAuth = defineOperation("AdminInitiateAuth", (deps: PasswordDeps, input, ctx) =>
  initiateAuth(
    deps,
    {
      operation: "AdminInitiateAuth",
      clientId: input.ClientId,
      userPoolId: input.UserPoolId,
      authFlow: input.AuthFlow,
      parameters: presentParameters(input.AuthParameters),
      clientMetadata: input.ClientMetadata,
      context: {
        ipAddress: input.ContextData?.IpAddress ?? null,
        encodedData: input.ContextData?.EncodedData ?? null,
        analyticsEndpointId: input.AnalyticsMetadata?.AnalyticsEndpointId ?? null,
      },
    },
    ctx,
  ),
);
