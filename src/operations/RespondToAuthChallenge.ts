// RespondToAuthChallenge — answers a challenge of a sign-in started with InitiateAuth:
// PASSWORD_VERIFIER (USER_SRP_AUTH), NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA, DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER so far (auth: none). The work is
// the sign-in service's (src/services/signIn/respond.ts).
import { respondToAuthChallenge } from "../services/signIn/index.js";
import type { NewPasswordDeps } from "../services/signIn/newPassword.js";
import { presentParameters } from "../services/signIn/request.js";
import { defineOperation } from "./define.js";

export const RespondToAuthChallenge = defineOperation(
  "RespondToAuthChallenge",
  async (deps: NewPasswordDeps, input, ctx) => {
    const r = await respondToAuthChallenge(
      deps,
      {
        operation: "RespondToAuthChallenge",
        clientId: input.ClientId,
        challengeName: input.ChallengeName,
        session: input.Session,
        parameters: presentParameters(input.ChallengeResponses),
        clientMetadata: input.ClientMetadata,
        context: {
          ipAddress: input.UserContextData?.IpAddress ?? null,
          encodedData: input.UserContextData?.EncodedData ?? null,
          analyticsEndpointId: input.AnalyticsMetadata?.AnalyticsEndpointId ?? null,
        },
      },
      ctx,
    );
    const { AvailableChallenges: _, ...response } = r;
    return response;
  },
);
