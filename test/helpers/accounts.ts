// Users for the account-recovery tests, made through the real API: signed up, confirmed with
// the code from the dev inbox (so their email is verified).
import {
  AdminGetUserCommand,
  type AttributeType,
  ConfirmSignUpCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { PASSWORD } from "./fixtures.js";
import type { TestServer } from "./server.js";

export async function confirmedUser(
  s: TestServer,
  pool: { poolId: string; clientId: string },
  username: string,
  attrs: Record<string, string> = { email: `${username}@example.com` },
  password = PASSWORD,
): Promise<void> {
  await s.sdk.send(
    new SignUpCommand({
      ClientId: pool.clientId,
      Username: username,
      Password: password,
      UserAttributes: Object.entries(attrs).map(([Name, Value]) => ({ Name, Value })),
    }),
  );
  const code = await s.inbox.code(username, pool.poolId);
  await s.sdk.send(
    new ConfirmSignUpCommand({ ClientId: pool.clientId, Username: username, ConfirmationCode: code }),
  );
}

/** The user's attributes as AdminGetUser shows them, as a map, with the status. */
export async function adminView(
  s: TestServer,
  poolId: string,
  username: string,
): Promise<{ status: string | undefined; attrs: Record<string, string> }> {
  const u = await s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username }));
  return { status: u.UserStatus, attrs: toMap(u.UserAttributes) };
}

export function toMap(list: readonly AttributeType[] | undefined): Record<string, string> {
  return Object.fromEntries((list ?? []).map((a) => [a.Name ?? "", a.Value ?? ""]));
}

/** The newest dev-inbox message for a user, which must exist. */
export async function latestMessage(s: TestServer, username: string, poolId: string) {
  const m = await s.inbox.latest({ username, userPoolId: poolId });
  if (!m) throw new Error(`no message for ${username}`);
  return m;
}

/** A six-digit code other than `code`. */
export function wrongCode(code: string): string {
  return code === "000000" ? "111111" : "000000";
}
