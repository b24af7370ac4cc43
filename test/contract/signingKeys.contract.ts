// Token signing keys: stored sealed and read back whole, per pool, insert-if-absent per
// (pool, use, generation) — also when many writers race — retired once, gone with their pool.
// Part of the store contract (harness.ts); the runners run it against every backend.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { KeyUse } from "../../src/domain/tokens/keys.js";
import type { StoredSigningKey } from "../../src/ports/store/index.js";
import type { Contract } from "./harness.js";

// One real key pair is enough for the contract (generating RSA keys is slow); rows differ by kid.
const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
const PEM = pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const JWK = pair.publicKey.export({ format: "jwk" }) as { n: string; e: string };

function key(
  poolId: string,
  use: KeyUse,
  generation: number,
  over: Partial<StoredSigningKey> = {},
): StoredSigningKey {
  return {
    poolId,
    kid: randomBytes(32).toString("base64"),
    use,
    generation,
    publicJwk: { kty: "RSA", n: JWK.n, e: JWK.e },
    privatePkcs8: PEM,
    createdAt: 1_000 + generation,
    retiredAt: null,
    ...over,
  };
}

export const signingKeysContract: Contract = (ctx) => {
  describe("signing keys", () => {
    it("stores a pool's keys and lists them by use then generation, private keys read back whole", async () => {
      const p = await ctx.newPool();
      const other = await ctx.newPool();
      const a1 = key(p, "access", 1);
      const i1 = key(p, "id", 1);
      const i2 = key(p, "id", 2);
      const o1 = key(other, "id", 1);
      for (const k of [i2, a1, i1, o1]) {
        expect(await ctx.store.transaction((tx) => tx.signingKeys.insertIfAbsent(k))).toBe(true);
      }
      expect(await ctx.store.read.signingKeys.listForPool(p)).toEqual([a1, i1, i2]);
      expect(await ctx.store.read.signingKeys.listForPool(other)).toEqual([o1]);
      expect(await ctx.store.read.signingKeys.listForPool("us-east-1_none")).toEqual([]);
    });

    it("a second key of the same use and generation is not stored", async () => {
      const p = await ctx.newPool();
      const first = key(p, "id", 1);
      expect(await ctx.store.transaction((tx) => tx.signingKeys.insertIfAbsent(first))).toBe(true);
      expect(await ctx.store.transaction((tx) => tx.signingKeys.insertIfAbsent(key(p, "id", 1)))).toBe(false);
      // The same kid again is not stored either.
      expect(
        await ctx.store.transaction((tx) => tx.signingKeys.insertIfAbsent({ ...first, generation: 2 })),
      ).toBe(false);
      expect(await ctx.store.read.signingKeys.listForPool(p)).toEqual([first]);
    });

    it("of many concurrent writers of a pool's first key, exactly one wins", async () => {
      const p = await ctx.newPool();
      const candidates = Array.from({ length: 8 }, () => key(p, "access", 1));
      const won = await Promise.all(
        candidates.map((k) => ctx.store.transaction((tx) => tx.signingKeys.insertIfAbsent(k))),
      );
      expect(won.filter(Boolean)).toHaveLength(1);
      const stored = await ctx.store.read.signingKeys.listForPool(p);
      expect(stored).toHaveLength(1);
      expect(stored[0]?.kid).toBe(candidates[won.indexOf(true)]?.kid);
    });

    it("retires a key once, only in its own pool", async () => {
      const p = await ctx.newPool();
      const other = await ctx.newPool();
      const k = key(p, "id", 1);
      await ctx.store.transaction((tx) => tx.signingKeys.insertIfAbsent(k));
      expect(await ctx.store.transaction((tx) => tx.signingKeys.retire(other, k.kid, 5_000))).toBe(false);
      expect(await ctx.store.transaction((tx) => tx.signingKeys.retire(p, k.kid, 5_000))).toBe(true);
      expect(await ctx.store.transaction((tx) => tx.signingKeys.retire(p, k.kid, 6_000))).toBe(false);
      expect(await ctx.store.read.signingKeys.listForPool(p)).toEqual([{ ...k, retiredAt: 5_000 }]);
    });

    it("go with their pool", async () => {
      const p = await ctx.newPool();
      await ctx.store.transaction((tx) => tx.signingKeys.insertIfAbsent(key(p, "id", 1)));
      await ctx.store.transaction((tx) => tx.pools.delete(p));
      expect(await ctx.store.read.signingKeys.listForPool(p)).toEqual([]);
    });
  });
};
