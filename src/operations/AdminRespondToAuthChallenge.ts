// AdminRespondToAuthChallenge — answers a challenge of a sign-in started with
// AdminInitiateAuth: PASSWORD_VERIFIER (USER_SRP_AUTH), NEW_PASSWORD_REQUIRED and
// SOFTWARE_TOKEN_MFA so far (the device challenges too, though Admin sign-ins never lead to
// them) (SigV4). The work is the sign-in service's (src/services/signIn/respond.ts).
import { respondToAuthChallenge } from "../services/signIn/index.js";
import type { NewPasswordDeps } from "../services/signIn/newPassword.js";
import { presentParameters } from "../services/signIn/request.js";
import { defineOperation } from "./define.js";

export const AdminRespondToAuthChallenge = defineOperation(
  "AdminRespondToAuthChallenge",
  async (deps: NewPasswordDeps, input, ctx) => {
    const r = await respondToAuthChallenge(
      deps,
      {
        operation: "AdminRespondToAuthChallenge",
        clientId: input.ClientId,
        userPoolId: input.UserPoolId,
        challengeName: input.ChallengeName,
        session: input.Session,
        parameters: presentParameters(input.ChallengeResponses),
        clientMetadata: input.ClientMetadata,
        context: {
          ipAddress: input.ContextData?.IpAddress ?? null,
          encodedData: input.ContextData?.EncodedData ?? null,
          analyticsEndpointId: input.AnalyticsMetadata?.AnalyticsEndpointId ?? null,
        },
      },
      ctx,
    );
    const { AvailableChallenges: _, ...response } = r;
    return response;
  },
);
