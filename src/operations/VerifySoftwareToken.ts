// VerifySoftwareToken — the user proves the secret from AssociateSoftwareToken reached their
// authenticator with a code of it (docs/mfa.md); it then becomes the user's software token,
// to be enabled with SetUserMFAPreference.
import { type SoftwareTokenDeps, verifySoftwareToken } from "../services/softwareTokens.js";
import { defineOperation } from "./define.js";

export const VerifySoftwareToken = defineOperation(
  "VerifySoftwareToken",
  async (deps: SoftwareTokenDeps, input, ctx) => verifySoftwareToken(deps, input, ctx),
);
