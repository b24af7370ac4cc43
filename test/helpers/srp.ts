// USER_SRP_AUTH through the AWS SDK v3, with the client's half of the math done the way every
// real client does it (src/domain/srp/client.ts, checked against amazon-cognito-identity-js in
// test/unit/signin/srp-identity-js.test.ts): for the tests of refusals, where a test must
// control the TIMESTAMP, the SECRET_BLOCK or the signature.
import {
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  type CognitoIdentityProviderClient,
  InitiateAuthCommand,
  type InitiateAuthCommandOutput,
  RespondToAuthChallengeCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { cryptoRandom } from "../../src/domain/ids.js";
import { type ClientStart, clientClaim, clientStart } from "../../src/domain/srp/client.js";
import { formatTimestamp } from "../../src/domain/srp/timestamp.js";
import { userIdentity } from "../../src/domain/srp/verifier.js";
import { PASSWORD } from "./fixtures.js";

export interface SrpTarget {
  sdk: CognitoIdentityProviderClient;
  poolId: string;
  clientId: string;
  /** AdminInitiateAuth / AdminRespondToAuthChallenge instead of the public operations. */
  admin?: boolean;
}

export async function srpStart(
  t: SrpTarget,
  username: string,
  extra: Record<string, string> = {},
): Promise<{ start: ClientStart; challenge: InitiateAuthCommandOutput }> {
  const start = clientStart(cryptoRandom);
  const AuthParameters = { USERNAME: username, SRP_A: start.srpA, ...extra };
  const challenge = t.admin
    ? await t.sdk.send(
        new AdminInitiateAuthCommand({
          UserPoolId: t.poolId,
          ClientId: t.clientId,
          AuthFlow: "USER_SRP_AUTH",
          AuthParameters,
        }),
      )
    : await t.sdk.send(
        new InitiateAuthCommand({ ClientId: t.clientId, AuthFlow: "USER_SRP_AUTH", AuthParameters }),
      );
  return { start, challenge };
}

export interface SrpAnswer {
  password?: string;
  timestamp?: string;
  /** Replaces the SECRET_BLOCK sent back (the signature is computed over it). */
  secretBlock?: string;
  /** Replaces the signature. */
  signature?: string;
  username?: string;
  extra?: Record<string, string>;
  session?: string;
  clientMetadata?: Record<string, string>;
}

/** The PASSWORD_VERIFIER answer to a challenge from srpStart. */
export function srpAnswer(
  t: SrpTarget,
  started: { start: ClientStart; challenge: InitiateAuthCommandOutput },
  a: SrpAnswer = {},
) {
  const p = started.challenge.ChallengeParameters ?? {};
  const userId = p.USER_ID_FOR_SRP ?? "";
  const secretBlock = a.secretBlock ?? p.SECRET_BLOCK ?? "";
  const timestamp = a.timestamp ?? formatTimestamp(Date.now());
  const signature =
    a.signature ??
    clientClaim({
      start: started.start,
      srpB: p.SRP_B ?? "",
      salt: p.SALT ?? "",
      identity: userIdentity(t.poolId, userId),
      password: a.password ?? PASSWORD,
      secretBlock,
      timestamp,
    }) ??
    "";
  const ChallengeResponses = {
    USERNAME: a.username ?? p.USERNAME ?? userId,
    PASSWORD_CLAIM_SECRET_BLOCK: secretBlock,
    TIMESTAMP: timestamp,
    PASSWORD_CLAIM_SIGNATURE: signature,
    ...a.extra,
  };
  const common = {
    ClientId: t.clientId,
    ChallengeName: "PASSWORD_VERIFIER" as const,
    ChallengeResponses,
    ...(a.session === undefined ? {} : { Session: a.session }),
    ...(a.clientMetadata === undefined ? {} : { ClientMetadata: a.clientMetadata }),
  };
  return t.admin
    ? t.sdk.send(new AdminRespondToAuthChallengeCommand({ UserPoolId: t.poolId, ...common }))
    : t.sdk.send(new RespondToAuthChallengeCommand(common));
}

/** A whole USER_SRP_AUTH sign-in. */
export async function srpSignIn(t: SrpTarget, username: string, a: SrpAnswer = {}) {
  return srpAnswer(t, await srpStart(t, username), a);
}
