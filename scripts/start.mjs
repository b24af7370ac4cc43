#!/usr/bin/env node
// `npm start`: compiles src/ first only when it changed since the last build (see
// scripts/build.mjs), then runs the `cognate` command in this same process — one Node start
// instead of two, which is a noticeable share of a start that must take well under 2 s.
//
//   node scripts/start.mjs serve [flags]      (npm start -- --port 0 passes flags on)
import { build, isCurrent } from "./build.mjs";

if (!isCurrent()) {
  console.error("cognate: src/ changed since the last build; compiling…");
  const status = build();
  if (status !== 0) process.exit(status);
}
await import("../bin/cognate.js");
