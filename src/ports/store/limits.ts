// Rate-limit counters: fixed windows keyed by text ("<pool id>|<what>|<who>").

export interface LimitResult {
  allowed: boolean;
  count: number;
  /** When the current window ends. */
  resetAt: number;
}

export interface LimitReads {
  /** Reads a counter without counting; undefined when no window is open at `now`. */
  peek(key: string, now: number): Promise<LimitResult | undefined>;
}

export interface LimitRepo extends LimitReads {
  /**
   * Atomic fixed-window counter. Counts one hit unless the window already holds `max`;
   * a refused hit is not counted and does not extend the window.
   */
  hit(key: string, windowMs: number, max: number, now: number): Promise<LimitResult>;
  /** Deletes counters whose window ended before `before`; returns how many. */
  prune(before: number): Promise<number>;
}
