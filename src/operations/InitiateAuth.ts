// InitiateAuth — starts a sign-in with an app client: USER_SRP_AUTH, USER_PASSWORD_AUTH and
// REFRESH_TOKEN_AUTH so far (auth: none). The work is the sign-in service's (src/services/signIn/).
import { initiateAuth } from "../services/signIn/index.js";
import type { PasswordDeps } from "../services/signIn/password.js";
import { presentParameters } from "../services/signIn/request.js";
import { defineOperation } from "./define.js";

export const InitiateAuth = defineOperation("InitiateAuth", (deps: PasswordDeps, input, ctx) =>
  initiateAuth(
    deps,
    {
      operation: "InitiateAuth",
      clientId: input.ClientId,
      authFlow: input.AuthFlow,
      parameters: presentParameters(input.AuthParameters),
      clientMetadata: input.ClientMetadata,
      context: {
        ipAddress: input.UserContextData?.IpAddress ?? null,
        encodedData: input.UserContextData?.EncodedData ?? null,
        analyticsEndpointId: input.AnalyticsMetadata?.AnalyticsEndpointId ?? null,
      },
    },
    ctx,
  ),
);
