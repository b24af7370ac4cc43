// CUSTOM_AUTH test set-up: the custom-auth functions (test/fixtures/triggers/custom-auth.mjs)
// and the sign-in guards' ones (auth.mjs, tokens.mjs) as in-process modules, as the README's
// trigger example configures them, and pools whose LambdaConfig names them.
import {
  type CognitoIdentityProviderClient,
  type CreateUserPoolClientCommandInput,
  InitiateAuthCommand,
  type LambdaConfigType,
  RespondToAuthChallengeCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { cryptoRandom } from "../../src/domain/ids.js";
import { clientStart } from "../../src/domain/srp/client.js";
import { makePool } from "./fixtures.js";

export const arn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

const CUSTOM = [
  "define",
  "create",
  "verify",
  "defineGarbage",
  "defineNothing",
  "defineForever",
  "defineBoth",
  "createHuge",
];

/** The `triggers` section of the server configuration: every fixture function, in process. */
export function customAuthTriggers(): { functions: Record<string, string>; baseDir: string } {
  const functions: Record<string, string> = {};
  for (const f of CUSTOM) functions[arn(f)] = `module:test/fixtures/triggers/custom-auth.mjs#${f}`;
  for (const f of ["preAuth", "postAuth"]) functions[arn(f)] = `module:test/fixtures/triggers/auth.mjs#${f}`;
  functions[arn("preTokenV1")] = "module:test/fixtures/triggers/tokens.mjs#preTokenV1";
  return { functions, baseDir: process.cwd() };
}

/** The three custom-auth functions, as LambdaConfig names them. */
export const CUSTOM_TRIGGERS: LambdaConfigType = {
  DefineAuthChallenge: arn("define"),
  CreateAuthChallenge: arn("create"),
  VerifyAuthChallengeResponse: arn("verify"),
};

export const CUSTOM_FLOWS = ["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] as const;

/** A pool with `lambda` as its LambdaConfig and a client allowing CUSTOM_AUTH (and SRP). */
export function customPool(
  sdk: CognitoIdentityProviderClient,
  lambda: LambdaConfigType = CUSTOM_TRIGGERS,
  client: Partial<Omit<CreateUserPoolClientCommandInput, "UserPoolId">> = {},
) {
  return makePool(
    sdk,
    { LambdaConfig: lambda },
    { ExplicitAuthFlows: [...CUSTOM_FLOWS, "ALLOW_USER_SRP_AUTH"], ...client },
  );
}

/** The private answer the fixture's CreateAuthChallenge sets for round `n`. */
export const privateWord = (round: number, email: string) => `private-word-${round}-${email}`;

export function customStart(
  sdk: CognitoIdentityProviderClient,
  clientId: string,
  username: string,
  extra: { AuthParameters?: Record<string, string>; ClientMetadata?: Record<string, string> } = {},
) {
  return sdk.send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: "CUSTOM_AUTH",
      AuthParameters: { USERNAME: username, ...extra.AuthParameters },
      ...(extra.ClientMetadata ? { ClientMetadata: extra.ClientMetadata } : {}),
    }),
  );
}

/** CUSTOM_AUTH started with SRP: the client's SRP start and the server's PASSWORD_VERIFIER. */
export async function customSrpStart(sdk: CognitoIdentityProviderClient, clientId: string, username: string) {
  const start = clientStart(cryptoRandom);
  const challenge = await customStart(sdk, clientId, username, {
    AuthParameters: { SRP_A: start.srpA, CHALLENGE_NAME: "SRP_A" },
  });
  return { start, challenge };
}

export function customAnswer(
  sdk: CognitoIdentityProviderClient,
  clientId: string,
  session: string | undefined,
  responses: Record<string, string>,
  clientMetadata?: Record<string, string>,
) {
  return sdk.send(
    new RespondToAuthChallengeCommand({
      ClientId: clientId,
      ChallengeName: "CUSTOM_CHALLENGE",
      ChallengeResponses: responses,
      Session: session,
      ...(clientMetadata ? { ClientMetadata: clientMetadata } : {}),
    }),
  );
}
