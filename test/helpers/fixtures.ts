// Pools and clients for tests, made through the real API.
import {
  type CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  type CreateUserPoolClientCommandInput,
  CreateUserPoolCommand,
  type CreateUserPoolCommandInput,
} from "@aws-sdk/client-cognito-identity-provider";

export interface PoolAndClient {
  poolId: string;
  clientId: string;
  clientSecret: string | undefined;
}

export async function makePool(
  sdk: CognitoIdentityProviderClient,
  pool: Partial<CreateUserPoolCommandInput> = {},
  client: Partial<Omit<CreateUserPoolClientCommandInput, "UserPoolId">> = {},
): Promise<PoolAndClient> {
  const p = await sdk.send(
    new CreateUserPoolCommand({ PoolName: "test-pool", AutoVerifiedAttributes: ["email"], ...pool }),
  );
  const poolId = p.UserPool?.Id;
  if (!poolId) throw new Error("no pool id");
  const c = await sdk.send(
    new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: "test-client", ...client }),
  );
  const clientId = c.UserPoolClient?.ClientId;
  if (!clientId) throw new Error("no client id");
  return { poolId, clientId, clientSecret: c.UserPoolClient?.ClientSecret };
}

export const PASSWORD = "Corr3ct-Horse!";
