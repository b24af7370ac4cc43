// Sign-in helpers for the tests: users made through the real API (SignUp then
// AdminConfirmSignUp), app clients with the flows a test needs, and JWT decoding.
import {
  AdminConfirmSignUpCommand,
  AdminInitiateAuthCommand,
  type CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  type CreateUserPoolClientCommandInput,
  InitiateAuthCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { computeSecretHash } from "../../src/domain/secretHash.js";
import { PASSWORD } from "./fixtures.js";

export const PASSWORD_FLOWS = [
  "ALLOW_USER_PASSWORD_AUTH",
  "ALLOW_ADMIN_USER_PASSWORD_AUTH",
  "ALLOW_USER_SRP_AUTH",
  "ALLOW_REFRESH_TOKEN_AUTH",
] as const;

export async function makeClient(
  sdk: CognitoIdentityProviderClient,
  poolId: string,
  over: Partial<Omit<CreateUserPoolClientCommandInput, "UserPoolId">> = {},
): Promise<{ clientId: string; clientSecret: string | undefined }> {
  const c = await sdk.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: "signin",
      ExplicitAuthFlows: [...PASSWORD_FLOWS],
      ...over,
    }),
  );
  const clientId = c.UserPoolClient?.ClientId;
  if (!clientId) throw new Error("no client id");
  return { clientId, clientSecret: c.UserPoolClient?.ClientSecret };
}

/** Signs a user up and confirms them; returns the user's sub. */
export async function confirmedUser(
  sdk: CognitoIdentityProviderClient,
  a: {
    poolId: string;
    clientId: string;
    clientSecret?: string | undefined;
    username: string;
    password?: string;
    attributes?: Record<string, string>;
  },
): Promise<string> {
  const attributes = a.attributes ?? { email: `${a.username.replace(/@.*/, "")}@example.com` };
  const r = await sdk.send(
    new SignUpCommand({
      ClientId: a.clientId,
      Username: a.username,
      Password: a.password ?? PASSWORD,
      UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
      ...(a.clientSecret ? { SecretHash: computeSecretHash(a.clientSecret, a.username, a.clientId) } : {}),
    }),
  );
  await sdk.send(new AdminConfirmSignUpCommand({ UserPoolId: a.poolId, Username: a.username }));
  return r.UserSub ?? "";
}

export function passwordSignIn(
  sdk: CognitoIdentityProviderClient,
  clientId: string,
  username: string,
  password = PASSWORD,
  extra: Record<string, string> = {},
) {
  return sdk.send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: username, PASSWORD: password, ...extra },
    }),
  );
}

export function adminSignIn(
  sdk: CognitoIdentityProviderClient,
  poolId: string,
  clientId: string,
  username: string,
  password = PASSWORD,
  flow: "ADMIN_USER_PASSWORD_AUTH" | "ADMIN_NO_SRP_AUTH" = "ADMIN_USER_PASSWORD_AUTH",
) {
  return sdk.send(
    new AdminInitiateAuthCommand({
      UserPoolId: poolId,
      ClientId: clientId,
      AuthFlow: flow,
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  );
}

export interface DecodedJwt {
  header: Record<string, unknown>;
  /** The header exactly as encoded (member order matters for Cognito likeness). */
  headerJson: string;
  payload: Record<string, unknown>;
}

export function decodeJwt(token: string): DecodedJwt {
  const [h = "", p = ""] = token.split(".");
  const headerJson = Buffer.from(h, "base64url").toString("utf8");
  return {
    header: JSON.parse(headerJson) as Record<string, unknown>,
    headerJson,
    payload: JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as Record<string, unknown>,
  };
}
