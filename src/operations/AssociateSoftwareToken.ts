// AssociateSoftwareToken — a new TOTP secret for the signed-in user (auth: none; the access
// token is the credential). The secret is kept sealed until VerifySoftwareToken accepts a code
// of it (docs/mfa.md). The Session form (MFA_SETUP) is not built yet.
import { associateSoftwareToken, type SoftwareTokenDeps } from "../services/softwareTokens.js";
import { defineOperation } from "./define.js";

export const AssociateSoftwareToken = defineOperation(
  "AssociateSoftwareToken",
  async (deps: SoftwareTokenDeps, input) => associateSoftwareToken(deps, input),
);
