// User pools: the pool record and its configuration.
import type { PoolConfig } from "../../domain/pool.js";

export interface PoolRecord {
  id: string;
  name: string;
  config: PoolConfig;
  creationDate: number;
  lastModifiedDate: number;
}

export interface PoolReads {
  get(id: string): Promise<PoolRecord | undefined>;
  /** Pools ordered by id; `after` is an exclusive lower bound on the id. */
  list(limit: number, after: string | null): Promise<PoolRecord[]>;
  countUsers(id: string): Promise<number>;
}

export interface PoolRepo extends PoolReads {
  /**
   * Reads the pool and locks it for the rest of the transaction (`FOR UPDATE` where the engine
   * has row locks), so that read-modify-write changes of its configuration do not lose one
   * another (AddCustomAttributes), and counts made under it hold (CreateGroup's limit).
   */
  getForUpdate(id: string): Promise<PoolRecord | undefined>;
  create(pool: PoolRecord): Promise<void>;
  /**
   * Creates the pool unless one with its id exists (then writes nothing): false then. Two
   * nodes seeding the same pool at once both get an answer instead of a key violation.
   */
  createIfAbsent(pool: PoolRecord): Promise<boolean>;
  update(pool: PoolRecord): Promise<void>;
  /** Deletes the pool and everything in it. */
  delete(id: string): Promise<boolean>;
}
