// The dispatcher's housekeeping: sent messages older than outbox.retentionHours disappear,
// newer ones and failed ones stay, and expired limit counters are removed.
import { ResendConfirmationCodeCommand, SignUpCommand } from "@aws-sdk/client-cognito-identity-provider";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/ports/clock.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { startServer } from "../helpers/server.js";

const HOUR = 3_600_000;

describe("outbox housekeeping", () => {
  it("deletes sent messages past retention and expired counters, keeps the rest", async () => {
    const clock = new ManualClock(Date.UTC(2026, 8, 1));
    const s = await startServer(
      { outbox: { retentionHours: 1, pollMs: 50 }, configCacheSeconds: 0 },
      { clock },
    );
    try {
      const { poolId, clientId } = await makePool(s.sdk);
      const signUp = (u: string) =>
        s.sdk.send(
          new SignUpCommand({
            ClientId: clientId,
            Username: u,
            Password: PASSWORD,
            UserAttributes: [{ Name: "email", Value: `${u}@example.com` }],
          }),
        );
      await signUp("old");
      await s.sdk.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: "old" }));
      expect((await s.inbox.list({ userPoolId: poolId })).length).toBe(2);
      const counter = `${poolId}|resend|old`;
      expect(await s.app.deps.store.read.limits.peek(counter, clock.now())).toBeDefined();

      // Two hours on: the resend window (1 h) has ended and the first messages are past
      // retention; a new message is not.
      clock.advance(2 * HOUR);
      await signUp("new");
      const deadline = Date.now() + 5000;
      let left = await s.inbox.list({ userPoolId: poolId });
      while (left.length !== 1 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        left = await s.inbox.list({ userPoolId: poolId });
      }
      expect(left.map((m) => m.username)).toEqual(["new"]);
      const rows = await s.query("SELECT * FROM limits WHERE key = ?", [counter]);
      expect(rows).toEqual([]);
    } finally {
      await s.close();
    }
  });
});
