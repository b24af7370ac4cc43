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
  create(pool: PoolRecord): Promise<void>;
  update(pool: PoolRecord): Promise<void>;
  /** Deletes the pool and everything in it. */
  delete(id: string): Promise<boolean>;
}
