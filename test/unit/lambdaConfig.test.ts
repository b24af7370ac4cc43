// Which function a pool's LambdaConfig names for each trigger (src/domain/lambdaConfig.ts).
import { describe, expect, it } from "vitest";
import { configuredFunction, preTokenGenerationVersion } from "../../src/domain/lambdaConfig.js";
import type { PoolConfig } from "../../src/domain/pool.js";
import type { TriggerName } from "../../src/ports/triggers.js";

const arn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

const plain: TriggerName[] = [
  "PreSignUp",
  "CustomMessage",
  "PostConfirmation",
  "PreAuthentication",
  "PostAuthentication",
  "DefineAuthChallenge",
  "CreateAuthChallenge",
  "VerifyAuthChallengeResponse",
  "UserMigration",
];

describe("configuredFunction", () => {
  it("reads every trigger named by a plain ARN", () => {
    const config: PoolConfig = { LambdaConfig: Object.fromEntries(plain.map((t) => [t, arn(t)])) };
    for (const t of plain) expect(configuredFunction(config, t), t).toBe(arn(t));
    expect(configuredFunction(config, "PreTokenGeneration")).toBeNull();
    expect(configuredFunction(config, "CustomEmailSender")).toBeNull();
  });

  it("reads the custom senders' {LambdaArn, LambdaVersion}", () => {
    const config: PoolConfig = {
      LambdaConfig: {
        CustomEmailSender: { LambdaArn: arn("email"), LambdaVersion: "V1_0" },
        CustomSMSSender: { LambdaArn: arn("sms"), LambdaVersion: "V1_0" },
        KMSKeyID: "arn:aws:kms:us-east-1:123456789012:key/k",
      },
    };
    expect(configuredFunction(config, "CustomEmailSender")).toBe(arn("email"));
    expect(configuredFunction(config, "CustomSMSSender")).toBe(arn("sms"));
    expect(configuredFunction(config, "PreSignUp")).toBeNull();
  });

  it("is null without a LambdaConfig, or for an empty ARN", () => {
    expect(configuredFunction({}, "PreSignUp")).toBeNull();
    expect(configuredFunction({ LambdaConfig: { PreSignUp: "" } }, "PreSignUp")).toBeNull();
  });
});

describe("PreTokenGeneration", () => {
  it("prefers PreTokenGenerationConfig, with its version", () => {
    for (const v of ["V1_0", "V2_0", "V3_0"] as const) {
      const config: PoolConfig = {
        LambdaConfig: {
          PreTokenGeneration: arn("token"),
          PreTokenGenerationConfig: { LambdaArn: arn("token"), LambdaVersion: v },
        },
      };
      expect(configuredFunction(config, "PreTokenGeneration")).toBe(arn("token"));
      expect(preTokenGenerationVersion(config)).toBe(v);
    }
    const onlyConfig: PoolConfig = {
      LambdaConfig: { PreTokenGenerationConfig: { LambdaArn: arn("v2"), LambdaVersion: "V2_0" } },
    };
    expect(configuredFunction(onlyConfig, "PreTokenGeneration")).toBe(arn("v2"));
    expect(preTokenGenerationVersion(onlyConfig)).toBe("V2_0");
  });

  it("takes the legacy member alone as V1_0", () => {
    const config: PoolConfig = { LambdaConfig: { PreTokenGeneration: arn("legacy") } };
    expect(configuredFunction(config, "PreTokenGeneration")).toBe(arn("legacy"));
    expect(preTokenGenerationVersion(config)).toBe("V1_0");
  });

  it("has no version when no function is configured", () => {
    expect(preTokenGenerationVersion({})).toBeNull();
    expect(preTokenGenerationVersion({ LambdaConfig: { PreSignUp: arn("p") } })).toBeNull();
  });
});
