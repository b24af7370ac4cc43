// ListUsers paging at 10,000 users through the AWS SDK v3: every user exactly once while
// users are added during the walk, with a filter too; a tampered or foreign token is refused
// cleanly. The users are put in the store in bulk (the fixture), read back over the API.
import {
  AdminCreateUserCommand,
  ListUsersCommand,
  type ListUsersCommandOutput,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asUsername, usernameKey } from "../../src/domain/usernames.js";
import type { UserRecord } from "../../src/ports/store/index.js";
import { expectError } from "../helpers/expect.js";
import { makePool } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";

const COUNT = 10_000;

describe("ListUsers paging at 10,000 users", () => {
  let s: TestServer;
  let poolId: string;
  beforeAll(async () => {
    s = await startServer();
    ({ poolId } = await makePool(s.sdk));
    const now = Date.now();
    const users = Array.from({ length: COUNT }, (_, i): UserRecord => {
      const name = `user-${String(i).padStart(5, "0")}`;
      return {
        poolId,
        username: asUsername(name),
        sub: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
        status: "CONFIRMED",
        enabled: true,
        attributes: { email: `${name}@${i % 2 === 0 ? "even" : "odd"}.example` },
        passwordHash: null,
        srp: null,
        passwordChangedAt: null,
        createdAt: now,
        updatedAt: now,
      };
    });
    for (let i = 0; i < COUNT; i += 1000) {
      const batch = users.slice(i, i + 1000);
      await s.app.store.store.transaction((tx) =>
        tx.users.insertMany(batch.map((user) => ({ user, usernameKey: usernameKey(user.username, false) }))),
      );
    }
  }, 120_000);
  afterAll(() => s.close());

  const add = (Username: string) =>
    s.sdk.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username, MessageAction: "SUPPRESS" }));

  async function walk(filter: string | undefined, during: (page: number) => Promise<void>) {
    const seen: string[] = [];
    let token: string | undefined;
    let page = 0;
    do {
      const r: ListUsersCommandOutput = await s.sdk.send(
        new ListUsersCommand({ UserPoolId: poolId, Limit: 60, PaginationToken: token, Filter: filter }),
      );
      seen.push(...(r.Users ?? []).map((u) => u.Username ?? ""));
      token = r.PaginationToken;
      await during(++page);
    } while (token);
    return seen;
  }

  it("returns every user exactly once while users are added", async () => {
    const seen = await walk(undefined, async (page) => {
      if (page === 50) for (const n of ["aaa-early", "user-04999x", "zzz-late"]) await add(n);
    });
    expect(new Set(seen).size).toBe(seen.length);
    const set = new Set(seen);
    for (let i = 0; i < COUNT; i++) expect(set.has(`user-${String(i).padStart(5, "0")}`)).toBe(true);
    // Added during the walk: at most once each; one added ahead of the position is seen.
    expect(set.has("zzz-late")).toBe(true);
    expect(seen.length).toBeGreaterThanOrEqual(COUNT + 1);
    expect(seen.length).toBeLessThanOrEqual(COUNT + 3);
  }, 300_000);

  it("pages a filter the same way, and refuses tampered or foreign tokens", async () => {
    const seen = await walk('email ^= "user-0"', async () => {});
    // user-00000 … user-09999 all start with user-0.
    expect(seen.length).toBe(COUNT);
    expect(new Set(seen).size).toBe(COUNT);

    const first = await s.sdk.send(new ListUsersCommand({ UserPoolId: poolId, Limit: 5 }));
    const token = first.PaginationToken ?? "";
    expect(token).not.toBe("");
    const [payload = "", mac = ""] = token.split(".");
    const forged = `${Buffer.from(JSON.stringify({ t: Date.now(), p: ["user-09990"] })).toString("base64url")}.${mac}`;
    for (const bad of [
      forged,
      `${payload}.${mac.slice(0, -2)}${mac.endsWith("AA") ? "BB" : "AA"}`,
      "not-a-token",
    ]) {
      await expectError(
        s.sdk.send(new ListUsersCommand({ UserPoolId: poolId, PaginationToken: bad })),
        "InvalidParameterException",
        /^Paging marker .* is invalid for request /,
      );
    }
    // A token of another filter or pool is refused too.
    await expectError(
      s.sdk.send(
        new ListUsersCommand({ UserPoolId: poolId, PaginationToken: token, Filter: 'email ^= "u"' }),
      ),
      "InvalidParameterException",
    );
    const other = await makePool(s.sdk);
    await expectError(
      s.sdk.send(new ListUsersCommand({ UserPoolId: other.poolId, PaginationToken: token })),
      "InvalidParameterException",
    );
  }, 300_000);
});
