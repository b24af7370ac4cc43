// The benchmark tables of docs/benchmarks.md (every row) and README.md (the headline rows),
// computed from the JSON that `npm run bench` writes (bench-results/latest.json). Shared by
// scripts/gen-bench-table.mjs, which writes them, and test/unit/bench-table.test.ts, which
// checks that the documents say what the JSON says.

export const DOCS_MARKERS = { start: "<!-- bench:start -->", end: "<!-- bench:end -->" };
export const README_MARKERS = { start: "<!-- bench-summary:start -->", end: "<!-- bench-summary:end -->" };

const NOT_RECORDED = "machine/date not recorded";

/**
 * Pads every cell to its column's width; columns marked `right` are right-aligned (numbers),
 * as Markdown formatters lay tables out.
 * @param {string[]} header
 * @param {string[][]} rows
 * @param {boolean[]} right
 */
function alignedTable(header, rows, right) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const pad = (c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]));
  const line = (cells) => `| ${cells.map(pad).join(" | ")} |`;
  const rule = widths.map((w, i) => (right[i] ? `${"-".repeat(w - 1)}:` : "-".repeat(w)));
  return [line(header), `| ${rule.join(" | ")} |`, ...rows.map(line)];
}

/** One sentence on where and when the figures were taken, or that nobody wrote it down. */
export function runDescription(result) {
  const m = result.machine;
  const parts = [];
  if (result.date && m) {
    const cpus = m.cpus === undefined ? "" : `${m.cpus} × `;
    const model = m.model ? `${m.model} ` : "";
    const memory = m.memoryGiB === undefined ? "" : `, ${m.memoryGiB} GiB`;
    const node = m.node ? `, Node ${m.node}` : "";
    parts.push(`Run of ${result.date.slice(0, 10)} on ${cpus}${model}CPUs${memory}${node}`);
  } else {
    parts.push(`Run of unknown date (${NOT_RECORDED})`);
  }
  const db = result.db === "postgres" ? "PostgreSQL" : "a SQLite file";
  const nodes = (result.nodes ?? 1) > 1 ? ` with ${result.nodes} nodes` : "";
  parts.push(`Cognate on ${db}${nodes}`);
  if (result.connections !== undefined && result.durationSeconds !== undefined) {
    parts.push(`${result.connections} connections, ${result.durationSeconds} s per figure`);
  }
  if (result.elapsedSeconds !== undefined) parts.push(`${result.elapsedSeconds} s in all`);
  return `${parts.join("; ")}.`;
}

function notes(row) {
  const errors = Object.entries(row.errors ?? {}).map(([k, v]) => `${k} ×${v}`);
  return [row.note, ...errors].filter((s) => s).join("; ");
}

const num = (v) => (v === undefined || v === null ? "" : String(v));

/** Every row of the run, as docs/benchmarks.md shows it. */
export function benchTable(result) {
  const rows = result.rows.map((r) => [
    r.server,
    r.scenario,
    num(r.rps),
    num(r.p50),
    num(r.p99),
    num(r.rssMb),
    notes(r),
  ]);
  return [
    `${runDescription(result)} Source: \`bench-results/latest.json\`.`,
    "",
    ...alignedTable(["Server", "Scenario", "req/s", "p50 ms", "p99 ms", "RSS MB", "Notes"], rows, [
      false,
      false,
      true,
      true,
      true,
      true,
      false,
    ]),
  ].join("\n");
}

/** The ceiling and Cognate's rows measured against it, for the README. */
export function benchSummary(result) {
  const ceiling = result.rows.find((r) => r.server === "node:http ceiling");
  const picked = result.rows.filter(
    (r) => r === ceiling || (r.server === "cognate" && /of ceiling/.test(r.note ?? "")),
  );
  const rows = picked.map((r) => [
    r === ceiling ? "bare `node:http` (the ceiling)" : r.scenario,
    num(r.rps),
    r === ceiling ? "100%" : (/(\d+%) of ceiling/.exec(r.note ?? "")?.[1] ?? ""),
    num(r.p99),
  ]);
  return [
    `${runDescription(result)} All rows, the peers and the method: [docs/benchmarks.md](docs/benchmarks.md).`,
    "",
    ...alignedTable(["Scenario", "req/s", "of ceiling", "p99 ms"], rows, [false, true, true, true]),
  ].join("\n");
}

/** The text between `markers` in `doc`. */
export function between(doc, markers, name = "the document") {
  const i = doc.indexOf(markers.start);
  const j = doc.indexOf(markers.end);
  if (i < 0 || j < i) throw new Error(`${name} has no ${markers.start} … ${markers.end} markers`);
  return doc
    .slice(i + markers.start.length, j)
    .replace(/^\n/, "")
    .replace(/\n$/, "");
}

/** `doc` with the text between `markers` replaced by `text`. */
export function replaceBetween(doc, markers, text, name = "the document") {
  between(doc, markers, name);
  const i = doc.indexOf(markers.start);
  const j = doc.indexOf(markers.end);
  return `${doc.slice(0, i + markers.start.length)}\n${text}\n${doc.slice(j)}`;
}
