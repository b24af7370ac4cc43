// GetUserPoolMfaConfig — the pool's MFA settings (SigV4; docs/mfa.md).
import { poolMfaConfig } from "../domain/mfaConfig.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const GetUserPoolMfaConfig = defineOperation(
  "GetUserPoolMfaConfig",
  async (deps: Pick<Deps, "directory">, input) => {
    const pool = await deps.directory.pool(input.UserPoolId);
    return poolMfaConfig(pool.config);
  },
);
