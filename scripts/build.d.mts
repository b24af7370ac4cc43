// Types for scripts/build.mjs (imported by the TypeScript tests).
export declare function isCurrent(root?: string): boolean;
export declare function build(): number;
