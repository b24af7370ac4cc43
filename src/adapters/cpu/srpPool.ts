// SRP's modular exponentiations on worker threads (src/ports/srpMath.ts). Each is about a
// millisecond of one core; on the event loop they delayed every other request behind them and
// left the second core to the thread pool alone. Jobs go to the worker with the fewest
// waiting; a worker that dies fails its own jobs (the requests answer InternalErrorException)
// and is replaced on the next job.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { hex } from "../../domain/srp/group.js";
import { inlineSrpMath, type SrpMath } from "../../ports/srpMath.js";
import { outcomeOf, type SrpJob, type SrpReply } from "./srpJobs.js";

type Pending = { resolve: (r: SrpReply) => void; reject: (e: Error) => void };

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  dead: boolean;
}

/** Workers for a machine: one core is left to the event loop, at most four are used. */
export function defaultSrpWorkers(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

// Distributive Omit keeps the union's members apart.
type JobBody = SrpJob extends infer J ? (J extends SrpJob ? Omit<J, "id"> : never) : never;

export class SrpWorkerPool implements SrpMath {
  readonly #url: URL;
  readonly #slots: (Slot | null)[];
  #nextId = 1;
  #closed = false;

  constructor(size: number, url: URL) {
    this.#url = url;
    this.#slots = Array.from({ length: size }, () => null);
  }

  #spawn(index: number): Slot {
    const worker = new Worker(this.#url);
    // The pool never keeps the process alive on its own.
    worker.unref();
    const slot: Slot = { worker, pending: new Map(), dead: false };
    const failAll = (e: Error) => {
      slot.dead = true;
      if (this.#slots[index] === slot) this.#slots[index] = null;
      for (const p of slot.pending.values()) p.reject(e);
      slot.pending.clear();
    };
    worker.on("message", (reply: SrpReply) => {
      const p = slot.pending.get(reply.id);
      if (!p) return;
      slot.pending.delete(reply.id);
      p.resolve(reply);
    });
    worker.on("error", (e) => failAll(e));
    worker.on("exit", (code) => failAll(new Error(`SRP worker exited with code ${code}`)));
    this.#slots[index] = slot;
    return slot;
  }

  #pick(): Slot {
    let best: Slot | null = null;
    let bestIndex = 0;
    for (let i = 0; i < this.#slots.length; i++) {
      const s = this.#slots[i];
      if (s === null || s === undefined) {
        bestIndex = i;
        best = null;
        break;
      }
      if (best === null || s.pending.size < best.pending.size) {
        best = s;
        bestIndex = i;
      }
    }
    return best ?? this.#spawn(bestIndex);
  }

  #run(job: JobBody): Promise<SrpReply> {
    if (this.#closed) return Promise.reject(new Error("the SRP worker pool is closed"));
    const slot = this.#pick();
    const id = this.#nextId++;
    return new Promise<SrpReply>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ ...job, id });
    });
  }

  async verifier(salt: bigint, id: { realm: string; userId: string }, password: string): Promise<bigint> {
    const r = await this.#run({ op: "verifier", salt: hex(salt), identity: id, password });
    if (!r.ok) throw new Error(r.error);
    if (!("verifier" in r)) throw new Error("unexpected SRP worker reply");
    return BigInt(`0x${r.verifier}`);
  }

  async challenge(b: bigint, stored: { salt: string; verifier: string }, srpA: string) {
    const r = await this.#run({ op: "challenge", b: hex(b), stored, srpA });
    if (!r.ok) throw new Error(r.error);
    if (!("outcome" in r)) throw new Error("unexpected SRP worker reply");
    return outcomeOf(r.outcome);
  }

  async close(): Promise<void> {
    this.#closed = true;
    const slots = this.#slots.splice(0);
    await Promise.all(slots.map((s) => (s && !s.dead ? s.worker.terminate() : undefined)));
  }
}

/**
 * The pool for this process, or the inline jobs when the workers cannot run: from TypeScript
 * sources (tests import src/ directly; a worker needs the compiled file) or with no workers.
 */
export function srpMathFor(workers: number = defaultSrpWorkers()): SrpMath {
  const url = new URL("./srpWorker.js", import.meta.url);
  if (workers <= 0 || import.meta.url.endsWith(".ts")) return inlineSrpMath;
  return new SrpWorkerPool(workers, url);
}
