// PreTokenGeneration: the pool's function sees the user and the groups about to go into the
// tokens and may add, change or remove claims (docs/signin-internals.md, "PreTokenGeneration").
// The event's version follows the pool's PreTokenGenerationConfig.LambdaVersion; what the
// function answers is applied by src/domain/tokens/overrides.ts. A function that fails or
// answers garbage fails the sign-in with the errors every trigger has (ports/triggers.ts).
import { preTokenGenerationVersion } from "../../domain/lambdaConfig.js";
import { ADMIN_SCOPE, type GroupClaims, type TokenClaims } from "../../domain/tokens/claims.js";
import { applyPreTokenGenerationV1, applyPreTokenGenerationV2 } from "../../domain/tokens/overrides.js";
import { eventAttributes, preTokenGenerationEvent } from "../../domain/triggerEvents.js";
import type { Deps } from "../../operations/deps.js";
import type { PoolRecord, UserRecord } from "../../ports/store/index.js";
import type { TokenGenerationSource } from "../../ports/triggers.js";
import { fail } from "../../protocol/errors.js";

/** What Cognito answers when a trigger's output cannot be used (ports/triggers.ts). */
const INVALID_OUTPUT = "Invalid lambda function output : Invalid JSON";

export interface PreTokenGenerationInput {
  pool: PoolRecord;
  clientId: string;
  user: UserRecord;
  source: TokenGenerationSource;
  groups: GroupClaims;
  clientMetadata: Record<string, string> | undefined;
  userAgent: string | undefined;
}

/** The claims after the pool's function had its say; unchanged when it has none. */
export async function runPreTokenGeneration(
  deps: Pick<Deps, "triggers" | "config">,
  input: PreTokenGenerationInput,
  claims: TokenClaims,
): Promise<TokenClaims> {
  const version = preTokenGenerationVersion(input.pool.config);
  if (version === null || deps.triggers.configured(input.pool, "PreTokenGeneration") === null) return claims;
  const scope = claims.access.scope;
  const event = preTokenGenerationEvent(
    {
      region: deps.config.region,
      userPoolId: input.pool.id,
      userName: input.user.username,
      clientId: input.clientId,
      userAgent: input.userAgent,
    },
    version === "V1_0" ? "1" : version === "V2_0" ? "2" : "3",
    input.source,
    eventAttributes(input.user),
    {
      groupsToOverride: input.groups.groups,
      iamRolesToOverride: input.groups.roles,
      preferredRole: input.groups.preferredRole,
    },
    typeof scope === "string" ? scope.split(" ").filter((s) => s !== "") : [ADMIN_SCOPE],
    input.clientMetadata,
  );
  const answer = await deps.triggers.invoke(input.pool, "PreTokenGeneration", event);
  const applied =
    event.version === "1"
      ? applyPreTokenGenerationV1(claims, answer)
      : applyPreTokenGenerationV2(claims, answer);
  if (applied.kind === "invalid") fail("InvalidLambdaResponseException", INVALID_OUTPUT);
  return applied.claims;
}
