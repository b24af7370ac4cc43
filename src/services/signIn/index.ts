// The sign-in service: InitiateAuth and AdminInitiateAuth hand it their request; it finds the
// client, checks the flow, and runs it (docs/signin.md). Layout, for the flows to come:
//   request.ts    the request, whichever operation carried it
//   preamble.ts   client and pool
//   flows.ts      which flows an operation and client take; required parameters
//   password.ts   USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH / ADMIN_NO_SRP_AUTH
//   srp.ts        USER_SRP_AUTH and its PASSWORD_VERIFIER answer
//   custom.ts     CUSTOM_AUTH and its CUSTOM_CHALLENGE answer; customSrp.ts its SRP start
//   challenges.ts NEW_PASSWORD_REQUIRED; newPassword.ts its answer
//   respond.ts    RespondToAuthChallenge: which challenge is answered
//   session.ts    the sealed Session, single use; sealKeys.ts the sealing keys
//   guards.ts     lock-out, PreAuthentication, PostAuthentication
//   refresh.ts    REFRESH_TOKEN_AUTH / REFRESH_TOKEN
//   complete.ts   every successful sign-in ends here: PostAuthentication → tokens
//   events.ts     an auth event per attempt
//   devices.ts    DEVICE_KEY, and DEVICE_SRP_AUTH instead of MFA on a remembered device
// USER_AUTH is still to come: a module beside password.ts and a case below.
import type { RequestContext } from "../../operations/define.js";
import { fail } from "../../protocol/errors.js";
import { customSignIn } from "./custom.js";
import { customSrpSignIn } from "./customSrp.js";
import { checkFlow } from "./flows.js";
import { type PasswordDeps, passwordSignIn } from "./password.js";
import { openSignIn } from "./preamble.js";
import { refreshSignIn } from "./refresh.js";
import type { SignInRequest, SignInResponse } from "./request.js";
import { srpSignIn } from "./srp.js";

export type { RespondRequest, SignInRequest, SignInResponse } from "./request.js";
export { respondToAuthChallenge } from "./respond.js";

export async function initiateAuth(
  deps: PasswordDeps,
  request: SignInRequest,
  ctx: RequestContext,
): Promise<SignInResponse> {
  const s = await openSignIn(deps, request, ctx);
  checkFlow(request.operation, request.authFlow, s.client);
  switch (request.authFlow) {
    case "USER_PASSWORD_AUTH":
    case "ADMIN_USER_PASSWORD_AUTH":
    case "ADMIN_NO_SRP_AUTH":
      return passwordSignIn(deps, s);
    case "REFRESH_TOKEN_AUTH":
    case "REFRESH_TOKEN":
      return refreshSignIn(deps, s);
    case "USER_SRP_AUTH":
      return srpSignIn(deps, s);
    case "CUSTOM_AUTH":
      // Starting with SRP is asked for by name (docs/custom-auth.md); anything else is plain custom.
      return request.parameters.CHALLENGE_NAME === "SRP_A" ? customSrpSignIn(deps, s) : customSignIn(deps, s);
    case "USER_AUTH":
      fail("InvalidParameterException", `Cognate does not support the ${request.authFlow} flow yet.`);
  }
}
