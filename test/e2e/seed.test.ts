// Seeding is idempotent: restarting on the same database with the same seed finds the pool
// and client again, whether or not the configuration fixes their ids.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminSetUserPasswordCommand,
  DescribeUserPoolClientCommand,
  GetGroupCommand,
  ListUserPoolsCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { describe, expect, it } from "vitest";
import { startServer } from "../helpers/server.js";

describe("seed", () => {
  it("creates a seeded pool once across restarts, with stable ids and secret", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cognate-seed-"));
    const seed = {
      pools: [
        {
          PoolName: "stable",
          AutoVerifiedAttributes: ["email"],
          Clients: [{ ClientName: "web", GenerateSecret: true }],
        },
      ],
    };
    const seen: { pools: string[]; clientId: string; secret: string | undefined }[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const s = await startServer({ db: join(dir, "c.db"), seed });
        try {
          const pools = await s.sdk.send(new ListUserPoolsCommand({ MaxResults: 10 }));
          const seeded = s.app.seeded.pools[0];
          const clientId = seeded?.clients[0]?.id ?? "";
          const c = await s.sdk.send(
            new DescribeUserPoolClientCommand({ UserPoolId: seeded?.id, ClientId: clientId }),
          );
          seen.push({
            pools: (pools.UserPools ?? []).map((p) => p.Id ?? ""),
            clientId,
            secret: c.UserPoolClient?.ClientSecret,
          });
        } finally {
          await s.close();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(seen[0]?.pools.length).toBe(1);
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[0]?.pools[0]).toMatch(/^us-east-1_[0-9a-zA-Z]{9}$/);
    expect(seen[0]?.clientId).toMatch(/^[0-9a-z]{26}$/);
    expect(seen[0]?.secret).toMatch(/^[0-9a-z]{51}$/);
  });

  it("creates users (permanent or temporary password), groups and memberships, once across restarts", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cognate-seed-"));
    const seed = {
      pools: [
        {
          Id: "us-east-1_Fixtures1",
          PoolName: "fixtures",
          Groups: [
            { GroupName: "admins", Precedence: 1, RoleArn: "arn:aws:iam::123456789012:role/admins" },
            { GroupName: "readers", Description: "Read only" },
          ],
          Users: [
            {
              Username: "alice",
              Password: "Alice-Passw0rd!",
              UserAttributes: { email: "alice@example.com", email_verified: "true" },
              Groups: ["admins", "readers"],
            },
            { Username: "bob", TemporaryPassword: "Bob-Temp-Passw0rd!", Groups: ["readers"] },
          ],
        },
      ],
    };
    const hashes: unknown[] = [];
    try {
      for (let round = 0; round < 2; round++) {
        const s = await startServer({ db: join(dir, "c.db"), seed });
        try {
          const poolId = "us-east-1_Fixtures1";
          const alice = await s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "alice" }));
          expect(alice.UserStatus).toBe("CONFIRMED");
          expect(alice.UserAttributes).toContainEqual({ Name: "email_verified", Value: "true" });
          const bob = await s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "bob" }));
          expect(bob.UserStatus).toBe("FORCE_CHANGE_PASSWORD");
          const groups = await s.sdk.send(
            new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: "alice" }),
          );
          expect(groups.Groups?.map((g) => g.GroupName)).toEqual(["admins", "readers"]);
          const admins = await s.sdk.send(new GetGroupCommand({ UserPoolId: poolId, GroupName: "admins" }));
          expect(admins.Group?.Precedence).toBe(1);
          // Seeded passwords are stored hashed; no invitation went out.
          expect(await s.dumpTables()).not.toContain("Alice-Passw0rd!");
          expect(await s.inbox.list({ userPoolId: poolId })).toEqual([]);
          const row = await s.query("SELECT password_hash FROM users WHERE pool_id = ? AND username = ?", [
            poolId,
            "alice",
          ]);
          hashes.push(row[0]?.password_hash);
          // A password changed since is kept by the next start.
          if (round === 0) {
            await s.sdk.send(
              new AdminSetUserPasswordCommand({
                UserPoolId: poolId,
                Username: "alice",
                Password: "Changed-Passw0rd!",
                Permanent: true,
              }),
            );
            const changed = await s.query(
              "SELECT password_hash FROM users WHERE pool_id = ? AND username = ?",
              [poolId, "alice"],
            );
            hashes.push(changed[0]?.password_hash);
          }
        } finally {
          await s.close();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(hashes[2]).toBe(hashes[1]);
    expect(hashes[1]).not.toBe(hashes[0]);
  });

  it("a user with a permanent password is seeded in a pool that keeps a password history", async () => {
    // The fixture must not set the same password twice (a temporary one, then the permanent
    // one): the history would refuse the second as a reuse.
    const seed = {
      pools: [
        {
          PoolName: "history",
          Policies: { PasswordPolicy: { PasswordHistorySize: 5 } },
          Clients: [
            {
              ClientName: "web",
              ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            },
          ],
          Users: [{ Username: "kept", Password: "Hist0ry-Seed!" }],
        },
      ],
    };
    const s = await startServer({ seed });
    try {
      const seeded = s.app.seeded.pools[0];
      const u = await s.sdk.send(new AdminGetUserCommand({ UserPoolId: seeded?.id, Username: "kept" }));
      expect(u.UserStatus).toBe("CONFIRMED");
      await expect(
        s.sdk.send(
          new AdminSetUserPasswordCommand({
            UserPoolId: seeded?.id,
            Username: "kept",
            Password: "Hist0ry-Seed!",
            Permanent: true,
          }),
        ),
      ).rejects.toMatchObject({ name: "PasswordHistoryPolicyViolationException" });
    } finally {
      await s.close();
    }
  });

  it("a seed the operations refuse stops the start with the reason", async () => {
    const seed = {
      pools: [{ PoolName: "bad", Users: [{ Username: "weak", Password: "weak" }] }],
    };
    await expect(startServer({ seed })).rejects.toThrow(
      /seed: pool us-east-1_\w+: InvalidPasswordException: Password did not conform with policy: Password not long enough/,
    );
  });
});
