// SetUserMFAPreference — the signed-in user turns software-token MFA on or off and marks it
// preferred (docs/mfa.md). SMS and email MFA are not built yet: enabling them is refused.
import { type SoftwareTokenDeps, setOwnMfaPreference } from "../services/softwareTokens.js";
import { defineOperation } from "./define.js";

export const SetUserMFAPreference = defineOperation(
  "SetUserMFAPreference",
  async (deps: SoftwareTokenDeps, input) => {
    await setOwnMfaPreference(deps, input);
    return {};
  },
);
