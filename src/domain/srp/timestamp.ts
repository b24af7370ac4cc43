// The TIMESTAMP of a PASSWORD_VERIFIER answer: "Tue Sep 5 00:09:40 UTC 2023" — English
// weekday and month, the day of the month without a leading zero, zero-padded time, the
// literal UTC, single spaces (docs/signin-internals.md, "TIMESTAMP"). Cognito refuses a
// zero-padded day and a weekday that does not match the date, so the parser does too.

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;

const PATTERN =
  /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([1-9]|[12][0-9]|3[01]) ([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9]) UTC ([0-9]{4})$/;

const two = (n: number) => String(n).padStart(2, "0");

/** The TIMESTAMP string for an instant (epoch milliseconds), as clients format it. */
export function formatTimestamp(epochMs: number): string {
  const d = new Date(epochMs);
  return (
    `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`
  );
}

export type ParsedTimestamp = { kind: "ok"; epochMs: number } | { kind: "malformed" };

/** Reads a TIMESTAMP; anything but the exact format of a real date is malformed. */
export function parseTimestamp(s: string): ParsedTimestamp {
  const m = PATTERN.exec(s);
  if (m === null) return { kind: "malformed" };
  const [, day, mon, dd, hh, mm, ss, yyyy] = m;
  const month = MONTHS.indexOf(mon as (typeof MONTHS)[number]);
  const year = Number(yyyy);
  const date = Number(dd);
  const epochMs = Date.UTC(year, month, date, Number(hh), Number(mm), Number(ss));
  const d = new Date(epochMs);
  // Date.UTC rolls Feb 30 over into March, and treats years below 100 as 19xx: both caught here.
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month || d.getUTCDate() !== date) {
    return { kind: "malformed" };
  }
  if (DAYS[d.getUTCDay()] !== day) return { kind: "malformed" };
  return { kind: "ok", epochMs };
}
