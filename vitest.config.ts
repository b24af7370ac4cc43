import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Compiles dist/ once before the workers start (for the child-process tests).
    globalSetup: ["test/globalSetup.ts"],
    // Native addons (better-sqlite3) and real servers: separate processes, not threads.
    pool: "forks",
    maxWorkers: 2,
    // Generous: on a loaded 2-core machine the slowest client-driven tests (the aws CLI's
    // Python start-up, child processes) took 12-25 s; a limit is for hangs, not for speed.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ["default"],
    // The SDK warns on every worker that Node 20 support ends in 2027; known, and noise here.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
