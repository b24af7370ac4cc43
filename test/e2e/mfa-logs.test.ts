// Production mode logs no TOTP secret, no MFA code and no MFA session (docs/mfa.md), at debug
// level, across AssociateSoftwareToken / VerifySoftwareToken (access token and Session forms),
// SOFTWARE_TOKEN_MFA with a wrong and a right code, and MFA_SETUP.
import { Writable } from "node:stream";
import {
  AdminConfirmSignUpCommand,
  AssociateSoftwareTokenCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  SetUserPoolMfaConfigCommand,
  SignUpCommand,
  VerifySoftwareTokenCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/ports/clock.js";
import { expectError } from "../helpers/expect.js";
import { PASSWORD } from "../helpers/fixtures.js";
import { startServer } from "../helpers/server.js";
import { type AccessKey, signedSdk } from "../helpers/sigv4.js";
import { otherCode, totpCode } from "../helpers/totp.js";

const ADMIN: AccessKey = { accessKeyId: "MFALOGKEY0000000001", secretAccessKey: "mfa-log-admin-secret-1" };

describe("MFA in production logs", () => {
  it("no secret, code or session of an MFA sign-in is logged", async () => {
    const chunks: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, cb) {
        chunks.push(String(chunk));
        cb();
      },
    });
    const clock = new ManualClock(Math.floor(Date.now() / 30_000) * 30_000 + 15_000);
    const s = await startServer(
      { mode: "production", logLevel: "debug", credentials: [ADMIN], passwordHashing: { ln: 4, r: 8, p: 1 } },
      { logStream: stream, clock },
    );
    const admin = signedSdk(s.url, ADMIN);
    const seen: string[] = [PASSWORD];
    try {
      const pool = async (mode: "ON" | "OPTIONAL") => {
        const p = await admin.send(new CreateUserPoolCommand({ PoolName: `mfa-${mode}` }));
        const UserPoolId = p.UserPool?.Id ?? "";
        const c = await admin.send(
          new CreateUserPoolClientCommand({
            UserPoolId,
            ClientName: "app",
            ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
          }),
        );
        await admin.send(
          new SetUserPoolMfaConfigCommand({
            UserPoolId,
            MfaConfiguration: mode,
            SoftwareTokenMfaConfiguration: { Enabled: true },
          }),
        );
        return { poolId: UserPoolId, clientId: c.UserPoolClient?.ClientId ?? "" };
      };
      const user = async (p: { poolId: string; clientId: string }, username: string) => {
        await s.sdk.send(new SignUpCommand({ ClientId: p.clientId, Username: username, Password: PASSWORD }));
        await admin.send(new AdminConfirmSignUpCommand({ UserPoolId: p.poolId, Username: username }));
      };
      const signIn = (clientId: string, username: string) =>
        s.sdk.send(
          new InitiateAuthCommand({
            ClientId: clientId,
            AuthFlow: "USER_PASSWORD_AUTH",
            AuthParameters: { USERNAME: username, PASSWORD },
          }),
        );

      // OPTIONAL: a token set up with the access token, then SOFTWARE_TOKEN_MFA.
      const opt = await pool("OPTIONAL");
      await user(opt, "olga");
      const AccessToken = (await signIn(opt.clientId, "olga")).AuthenticationResult?.AccessToken ?? "";
      const secret = (await s.sdk.send(new AssociateSoftwareTokenCommand({ AccessToken }))).SecretCode ?? "";
      const first = totpCode(secret, clock.now());
      await s.sdk.send(new VerifySoftwareTokenCommand({ AccessToken, UserCode: first }));
      await s.sdk.send(
        new SetUserMFAPreferenceCommand({ AccessToken, SoftwareTokenMfaSettings: { Enabled: true } }),
      );
      clock.advance(30_000);
      const challenge = await signIn(opt.clientId, "olga");
      const code = totpCode(secret, clock.now());
      const answer = (c: string) =>
        s.sdk.send(
          new RespondToAuthChallengeCommand({
            ClientId: opt.clientId,
            ChallengeName: "SOFTWARE_TOKEN_MFA",
            Session: challenge.Session,
            ChallengeResponses: { USERNAME: "olga", SOFTWARE_TOKEN_MFA_CODE: c },
          }),
        );
      await expectError(answer(otherCode(code)), "CodeMismatchException");
      expect((await answer(code)).AuthenticationResult?.AccessToken).toBeTruthy();
      // Six-digit codes are looked for as JSON strings, so that a timestamp cannot match one.
      seen.push(secret, `"${first}"`, `"${code}"`, `"${otherCode(code)}"`, challenge.Session ?? "");

      // ON: MFA_SETUP with the Session forms.
      const on = await pool("ON");
      await user(on, "oscar");
      const setup = await signIn(on.clientId, "oscar");
      const a = await s.sdk.send(new AssociateSoftwareTokenCommand({ Session: setup.Session }));
      const setupCode = totpCode(a.SecretCode ?? "", clock.now());
      const v = await s.sdk.send(
        new VerifySoftwareTokenCommand({
          Session: a.Session,
          UserCode: setupCode,
          FriendlyDeviceName: "phone",
        }),
      );
      const done = await s.sdk.send(
        new RespondToAuthChallengeCommand({
          ClientId: on.clientId,
          ChallengeName: "MFA_SETUP",
          Session: v.Session,
          ChallengeResponses: { USERNAME: "oscar" },
        }),
      );
      expect(done.AuthenticationResult?.AccessToken).toBeTruthy();
      seen.push(a.SecretCode ?? "", `"${setupCode}"`, setup.Session ?? "", a.Session ?? "", v.Session ?? "");
    } finally {
      admin.destroy();
      await s.close();
    }
    const log = chunks.join("");
    expect(log).toContain('"operation":"VerifySoftwareToken"');
    expect(log).toContain('"operation":"RespondToAuthChallenge"');
    expect(seen.filter((x) => x.length > 0 && log.includes(x))).toEqual([]);
  }, 60_000);
});
