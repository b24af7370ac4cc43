// SQL of the rate-limit counters.
import { sql } from "kysely";
import type { LimitRepo, LimitResult } from "../../../ports/store/index.js";
import { prepared, type Target } from "../prepared.js";
import { num } from "./rows.js";

const limitPeek = prepared(1, (db, _e, key: string) =>
  db.selectFrom("limits").selectAll().where("key", "=", key),
);
// One statement: start a window, count within it, or refuse without counting.
const limitHit = prepared(4, (db, _e, key: string, end: number, now: number, max: number) =>
  db
    .insertInto("limits")
    .values({ key, window_end: end, count: 1 })
    .onConflict((oc) =>
      oc
        .column("key")
        .doUpdateSet({
          count: sql<number>`CASE WHEN limits.window_end <= ${now} THEN 1 ELSE limits.count + 1 END`,
          window_end: sql<number>`CASE WHEN limits.window_end <= ${now} THEN ${end} ELSE limits.window_end END`,
        })
        .where((eb) => eb.or([eb("limits.window_end", "<=", now), eb("limits.count", "<", max)])),
    )
    .returning(["count", "window_end"]),
);

export class SqlLimits implements LimitRepo {
  readonly #t: Target;
  constructor(t: Target) {
    this.#t = t;
  }

  async hit(key: string, windowMs: number, max: number, now: number): Promise<LimitResult> {
    if (max <= 0) return { allowed: false, count: 0, resetAt: now + windowMs };
    const end = now + windowMs;
    const r = await limitHit.first(this.#t, key, end, now, max);
    if (r) return { allowed: true, count: num(r.count), resetAt: num(r.window_end) };
    const current = await this.peek(key, now);
    return { allowed: false, count: current?.count ?? max, resetAt: current?.resetAt ?? end };
  }

  async peek(key: string, now: number): Promise<LimitResult | undefined> {
    const r = await limitPeek.first(this.#t, key);
    if (!r || num(r.window_end) <= now) return undefined;
    return { allowed: true, count: num(r.count), resetAt: num(r.window_end) };
  }

  async prune(before: number): Promise<number> {
    const r = await this.#t.db.deleteFrom("limits").where("window_end", "<", before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
