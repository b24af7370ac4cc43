// The two SRP exponentiation jobs (about a millisecond each here: 3072-bit modular powers),
// behind a port so that the composition root can run them on worker threads and keep the
// event loop free for other requests (docs/signin-internals.md, "Speed"). Both are
// deterministic: every random value (salt, b) is drawn by the caller from its injected Random,
// so tests see the same values whichever implementation runs.
import type { Random } from "../domain/ids.js";
import { fromBytes } from "../domain/srp/group.js";
import { type ServerChallenge, serverChallengeWith } from "../domain/srp/server.js";
import { computeVerifier, type SrpIdentity, type StoredVerifier } from "../domain/srp/verifier.js";

export type ChallengeOutcome = ServerChallenge | { kind: "retry" };

export interface SrpMath {
  /** v = g^x for a password (computeVerifier). */
  verifier(salt: bigint, id: SrpIdentity, password: string): Promise<bigint>;
  /** SRP_B and the session key for SRP_A against a stored verifier, with the given b. */
  challenge(b: bigint, stored: StoredVerifier, srpA: string): Promise<ChallengeOutcome>;
  close(): Promise<void>;
}

/** Both jobs on the calling thread: for tools, unit tests, and a pool of zero workers. */
export const inlineSrpMath: SrpMath = {
  verifier: async (salt, id, password) => computeVerifier(salt, id, password),
  challenge: async (b, stored, srpA) => serverChallengeWith(b, stored, srpA),
  close: async () => {},
};

/** serverChallenge (src/domain/srp/server.ts) with its exponentiations done by `math`. */
export async function serverChallengeVia(
  math: SrpMath,
  random: Random,
  stored: StoredVerifier,
  srpA: string,
): Promise<ServerChallenge> {
  for (;;) {
    const b = fromBytes(random.bytes(32));
    if (b === 0n) continue;
    const c = await math.challenge(b, stored, srpA);
    // B or u of zero happen with probability ~2^-256; a new b avoids them rather than failing.
    if (c.kind !== "retry") return c;
  }
}
