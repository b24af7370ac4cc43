// Types for scripts/readme-table.mjs (imported by the TypeScript tests).
export declare const START_MARKER: string;
export declare const END_MARKER: string;
export declare function supportTable(
  ops: readonly { name: string }[],
  model: Readonly<Record<string, { auth: "none" | "sigv4" }>>,
): string;
export declare function currentTable(readme: string): string;
export declare function withTable(readme: string, table: string): string;
export declare function accessTokenOperations(): Set<string>;
