// What every aggregate's SQL shares: reading numbers back (PostgreSQL's BIGINTs arrive as
// numbers through postgres.ts's type parser, SQLite's as numbers; counts may be strings) and
// the size of bulk inserts.

export const num = (v: unknown): number => (typeof v === "number" ? v : Number(v));
export const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));

/** A server round trip per statement: 500 rows (about 5,000 parameters) at a time. */
export const BULK_ROWS = 500;

/** Rows changed by a prepared write (SQLite reports `numAffectedRows`, as Kysely does). */
export const changed = (r: { numAffectedRows?: bigint }): boolean => (r.numAffectedRows ?? 0n) > 0n;
