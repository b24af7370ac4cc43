#!/usr/bin/env node
// The `cognate` command (compiled from src/cli/main.ts by `npm run build`).
import { main } from "../dist/cli/main.js";

main(process.argv.slice(2)).then(
  (code) => {
    if (typeof code === "number") process.exitCode = code;
  },
  (err) => {
    console.error(`cognate: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
