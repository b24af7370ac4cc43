// AssociateSoftwareToken — a new TOTP secret for the signed-in user (auth: none; the access
// token is the credential). The secret is kept sealed until VerifySoftwareToken accepts a code
// of it (docs/mfa.md). The Session form continues an MFA_SETUP challenge.
import { associateSoftwareToken, type SoftwareTokenDeps } from "../services/softwareTokens.js";
import { defineOperation } from "./define.js";

export const AssociateSoftwareToken = defineOperation(
  "AssociateSoftwareToken",
  async (deps: SoftwareTokenDeps, input, ctx) => associateSoftwareToken(deps, input, ctx),
);
