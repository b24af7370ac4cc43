// Seeding is idempotent: restarting on the same database with the same seed finds the pool
// and client again, whether or not the configuration fixes their ids.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DescribeUserPoolClientCommand,
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
});
