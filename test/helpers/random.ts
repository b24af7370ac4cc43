// Randomness for tests that must know two codes differ: the real source for ids and secrets,
// but integers (the 6-digit codes) counted up, so each code a server issues differs from the
// one before it and an assertion about "the old code" always has an old code to test.
import { cryptoRandom, type Random } from "../../src/domain/ids.js";

export function distinctCodes(start = 123_456): Random {
  let next = start;
  return { ...cryptoRandom, int: (max) => next++ % max };
}
