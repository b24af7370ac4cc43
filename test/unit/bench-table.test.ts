// The benchmark tables of README.md and docs/benchmarks.md must say what
// bench-results/latest.json says (the same functions scripts/gen-bench-table.mjs writes them
// with), so no figure is ever edited by hand.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type BenchResult,
  benchSummary,
  benchTable,
  between,
  DOCS_MARKERS,
  README_MARKERS,
  replaceBetween,
  runDescription,
} from "../../scripts/bench-table.mjs";

const root = join(import.meta.dirname, "../..");
const read = (p: string) => readFileSync(join(root, p), "utf8");
const latest = JSON.parse(read("bench-results/latest.json")) as BenchResult;

describe("benchmark tables", () => {
  it("docs/benchmarks.md and the README show bench-results/latest.json (run node scripts/gen-bench-table.mjs)", () => {
    expect(between(read("docs/benchmarks.md"), DOCS_MARKERS)).toBe(benchTable(latest));
    expect(between(read("README.md"), README_MARKERS)).toBe(benchSummary(latest));
  });

  it("every row of the run is in the full table, and the summary keeps the ceiling and its shares", () => {
    const table = benchTable(latest);
    for (const r of latest.rows) {
      const line = table
        .split("\n")
        .find((l) => l.includes(` ${r.scenario} `) && l.includes(` ${r.server} `));
      expect(line, `${r.server} ${r.scenario}`).toBeDefined();
      expect(line).toContain(` ${r.rps} `);
    }
    const summary = benchSummary(latest);
    expect(summary).toContain("(the ceiling)");
    for (const r of latest.rows.filter((x) => x.server === "cognate" && /of ceiling/.test(x.note ?? ""))) {
      expect(summary).toContain(`| ${r.scenario}`);
    }
  });

  it("names the machine and date when recorded, and says so when not", () => {
    const described = runDescription({
      date: "2026-01-02T03:04:05.000Z",
      machine: { cpus: 4, model: "Test CPU", memoryGiB: 8, node: "v20.0.0" },
      db: "postgres",
      nodes: 2,
      connections: 8,
      durationSeconds: 3,
      rows: [],
    });
    expect(described).toBe(
      "Run of 2026-01-02 on 4 × Test CPU CPUs, 8 GiB, Node v20.0.0; Cognate on PostgreSQL with 2 nodes; 8 connections, 3 s per figure.",
    );
    const old = benchTable({ rows: [{ server: "cognate", scenario: "SignUp", rps: 10, errors: { X: 2 } }] });
    expect(old).toContain("machine/date not recorded");
    expect(old).toContain("| X ×2");
  });

  it("the marker helpers round-trip and refuse a document without markers", () => {
    const doc = `a\n${DOCS_MARKERS.start}\nold\n${DOCS_MARKERS.end}\nb\n`;
    const next = replaceBetween(doc, DOCS_MARKERS, "new");
    expect(between(next, DOCS_MARKERS)).toBe("new");
    expect(replaceBetween(next, DOCS_MARKERS, "new")).toBe(next);
    expect(next.startsWith("a\n") && next.endsWith("\nb\n")).toBe(true);
    expect(() => between("no markers", README_MARKERS, "README.md")).toThrow(/README.md has no/);
  });
});
