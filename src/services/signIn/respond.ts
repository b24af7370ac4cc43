// RespondToAuthChallenge and AdminRespondToAuthChallenge: the client and pool, then the
// challenge answered (docs/signin-challenges.md, "Challenges"). PASSWORD_VERIFIER carries its state in
// its SECRET_BLOCK; NEW_PASSWORD_REQUIRED, the MFA steps (docs/mfa.md), CUSTOM_CHALLENGE
// (docs/custom-auth.md) and the device challenges (docs/devices.md) in their Session.
import type { RequestContext } from "../../operations/define.js";
import { fail } from "../../protocol/errors.js";
import { answerCustomChallenge } from "./custom.js";
import { answerCustomPasswordVerifier, isCustomPasswordClaim } from "./customSrp.js";
import { answerDevicePasswordVerifier, answerDeviceSrp } from "./devices.js";
import { answerMfaCode } from "./mfaCode.js";
import { answerMfaSetup, answerSelectMfa } from "./mfaSetup.js";
import { answerNewPassword, type NewPasswordDeps } from "./newPassword.js";
import { openSignIn } from "./preamble.js";
import type { RespondRequest, SignInResponse } from "./request.js";
import { answerSoftwareToken } from "./softwareToken.js";
import { answerPasswordVerifier } from "./srp.js";

/** A challenge Cognate does not issue (USER_AUTH's: not built yet). */
export const CHALLENGE_NOT_SUPPORTED = (name: string) =>
  `Cognate does not support the ${name} challenge yet.`;

export async function respondToAuthChallenge(
  deps: NewPasswordDeps,
  request: RespondRequest,
  ctx: RequestContext,
): Promise<SignInResponse> {
  const s = await openSignIn(deps, request, ctx);
  switch (request.challengeName) {
    case "PASSWORD_VERIFIER":
      // Inside CUSTOM_AUTH the proof continues the custom loop (src/services/signIn/customSrp.ts).
      return isCustomPasswordClaim(deps, s)
        ? answerCustomPasswordVerifier(deps, s)
        : answerPasswordVerifier(deps, s);
    case "CUSTOM_CHALLENGE":
      return answerCustomChallenge(deps, s);
    case "NEW_PASSWORD_REQUIRED":
      return answerNewPassword(deps, s);
    case "SOFTWARE_TOKEN_MFA":
      return answerSoftwareToken(deps, s);
    case "DEVICE_SRP_AUTH":
      return answerDeviceSrp(deps, s);
    case "DEVICE_PASSWORD_VERIFIER":
      return answerDevicePasswordVerifier(deps, s);
    case "SMS_MFA":
    case "EMAIL_OTP":
      return answerMfaCode(deps, s, request.challengeName);
    case "SELECT_MFA_TYPE":
      return answerSelectMfa(deps, s);
    case "MFA_SETUP":
      return answerMfaSetup(deps, s);
    case "ADMIN_NO_SRP_AUTH":
      // The service model: "You can't respond to an ADMIN_NO_SRP_AUTH challenge with this operation."
      fail("InvalidParameterException", "Invalid challenge name: ADMIN_NO_SRP_AUTH");
      break;
    default:
      fail("InvalidParameterException", CHALLENGE_NOT_SUPPORTED(request.challengeName));
  }
}
