// SetUserPoolMfaConfig — the pool's MFA settings, kept in the pool's configuration document
// with its other settings (SigV4; docs/mfa.md). Members not sent keep their values.
import { applyMfaConfig, poolMfaConfig } from "../domain/mfaConfig.js";
import { fail, messages } from "../protocol/errors.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const SetUserPoolMfaConfig = defineOperation(
  "SetUserPoolMfaConfig",
  async (deps: Pick<Deps, "store" | "clock" | "directory">, input) => {
    const id = input.UserPoolId;
    const now = deps.clock.now();
    const config = await deps.store.transaction(async (tx) => {
      const pool = await tx.pools.getForUpdate(id);
      if (!pool) return null;
      const next = applyMfaConfig(pool.config, input);
      await tx.pools.update({ ...pool, config: next, lastModifiedDate: now });
      return next;
    });
    if (config === null) fail("ResourceNotFoundException", messages.poolNotFound(id));
    deps.directory.forgetPool(id);
    return poolMfaConfig(config);
  },
);
