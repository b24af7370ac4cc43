// The messages between the SRP worker pool (srpPool.ts) and its workers (srpWorker.ts).
// Integers travel as hex strings and the key as bytes: plain structured-clone values.
import { hex, parseHexInt } from "../../domain/srp/group.js";
import { serverChallengeWith } from "../../domain/srp/server.js";
import { computeVerifier, type SrpIdentity, type StoredVerifier } from "../../domain/srp/verifier.js";
import type { ChallengeOutcome } from "../../ports/srpMath.js";

export type SrpJob =
  | { id: number; op: "verifier"; salt: string; identity: SrpIdentity; password: string }
  | { id: number; op: "challenge"; b: string; stored: StoredVerifier; srpA: string };

export type WireOutcome =
  | { kind: "ok"; srpB: string; key: Uint8Array }
  | { kind: "invalid-a" }
  | { kind: "invalid-verifier" }
  | { kind: "retry" };

export type SrpReply =
  | { id: number; ok: true; verifier: string }
  | { id: number; ok: true; outcome: WireOutcome }
  | { id: number; ok: false; error: string };

function intOf(h: string): bigint {
  const v = parseHexInt(h);
  if (v === null) throw new Error("malformed integer in an SRP job");
  return v;
}

/** Runs one job: what a worker does with each message. */
export function runJob(job: SrpJob): SrpReply {
  try {
    if (job.op === "verifier") {
      return {
        id: job.id,
        ok: true,
        verifier: hex(computeVerifier(intOf(job.salt), job.identity, job.password)),
      };
    }
    const c = serverChallengeWith(intOf(job.b), job.stored, job.srpA);
    const outcome: WireOutcome =
      c.kind === "ok" ? { kind: "ok", srpB: c.srpB, key: new Uint8Array(c.key) } : c;
    return { id: job.id, ok: true, outcome };
  } catch (e) {
    return { id: job.id, ok: false, error: e instanceof Error ? e.message : "SRP job failed" };
  }
}

export function outcomeOf(w: WireOutcome): ChallengeOutcome {
  return w.kind === "ok" ? { kind: "ok", srpB: w.srpB, key: Buffer.from(w.key) } : w;
}
