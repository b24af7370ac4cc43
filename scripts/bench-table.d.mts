// Types for scripts/bench-table.mjs (imported by the TypeScript tests).
export interface BenchRow {
  server: string;
  scenario: string;
  rps?: number;
  p50?: number;
  p99?: number;
  max?: number;
  total?: number;
  errors?: Record<string, number>;
  rssMb?: number;
  note?: string;
}
export interface BenchResult {
  date?: string;
  machine?: { cpus?: number; model?: string; memoryGiB?: number; node?: string };
  connections?: number;
  durationSeconds?: number;
  db?: string;
  nodes?: number;
  elapsedSeconds?: number;
  rows: BenchRow[];
}
export interface Markers {
  start: string;
  end: string;
}
export declare const DOCS_MARKERS: Markers;
export declare const README_MARKERS: Markers;
export declare function runDescription(result: BenchResult): string;
export declare function benchTable(result: BenchResult): string;
export declare function benchSummary(result: BenchResult): string;
export declare function between(doc: string, markers: Markers, name?: string): string;
export declare function replaceBetween(doc: string, markers: Markers, text: string, name?: string): string;
