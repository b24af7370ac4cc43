// Which function a pool names for a trigger, from its LambdaConfig (the model's
// LambdaConfigType). Most triggers are a plain ARN; the custom senders and
// PreTokenGenerationConfig are {LambdaArn, LambdaVersion}. Values are read defensively:
// seeded pools come from the configuration file, not through the model's validator.

import type { TriggerName } from "../ports/triggers.js";
import type { PreTokenGenerationLambdaVersionType } from "../protocol/generated/shapes.js";
import type { PoolConfig } from "./pool.js";

function arn(v: unknown): string | null {
  const value = typeof v === "object" && v !== null && "LambdaArn" in v ? v.LambdaArn : v;
  return typeof value === "string" && value !== "" ? value : null;
}

/** The function ARN configured for `trigger`, or null. */
export function configuredFunction(config: PoolConfig, trigger: TriggerName): string | null {
  const lc = config.LambdaConfig;
  if (!lc) return null;
  // The model: the legacy PreTokenGeneration member, when also set, must equal
  // PreTokenGenerationConfig.LambdaArn; the versioned one is the one that counts.
  if (trigger === "PreTokenGeneration") return arn(lc.PreTokenGenerationConfig) ?? arn(lc.PreTokenGeneration);
  return arn(lc[trigger]);
}

/**
 * Which PreTokenGeneration event the pool's function takes: V1_0 (event version "1"),
 * V2_0 ("2") or V3_0 ("3"); the legacy member alone means V1_0. Null when none is configured.
 */
export function preTokenGenerationVersion(config: PoolConfig): PreTokenGenerationLambdaVersionType | null {
  const lc = config.LambdaConfig;
  if (!lc) return null;
  const versioned = lc.PreTokenGenerationConfig;
  if (arn(versioned) !== null) {
    const v = versioned?.LambdaVersion;
    return v === "V2_0" || v === "V3_0" ? v : "V1_0";
  }
  return arn(lc.PreTokenGeneration) !== null ? "V1_0" : null;
}
