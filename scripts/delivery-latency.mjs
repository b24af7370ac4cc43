#!/usr/bin/env node
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { CognitoIdentityProviderClient, SignUpCommand } from "@aws-sdk/client-cognito-identity-provider";
import { SMTPServer } from "smtp-server";
// Measures code delivery latency: from the moment a SignUp response reaches the client to the
// moment the SMTP server has accepted the email with that code. A real `cognate serve`
// process (SQLite file, durable commits) sends through --smtp-url to an SMTP server in this
// process, so both instants are read from one clock.
//   node scripts/delivery-latency.mjs [--messages 300] [--concurrency 1]
// Run `npm run build` first.
import { serveChild } from "./lib/serve.mjs";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "300" },
    concurrency: { type: "string", default: "1" },
  },
});
const total = Number(values.messages);
const concurrency = Number(values.concurrency);
if (!(total >= 1 && concurrency >= 1)) throw new Error("--messages and --concurrency must be positive");

// The SMTP server: when each recipient's message has been accepted (end of DATA).
const receivedAt = new Map();
let waiting = null;
const smtp = new SMTPServer({
  disabledCommands: ["STARTTLS", "AUTH"],
  authOptional: true,
  logger: false,
  onData(stream, session, callback) {
    stream.resume();
    stream.on("end", () => {
      const t = performance.now();
      for (const r of session.envelope.rcptTo) receivedAt.set(r.address, t);
      callback();
      if (waiting && receivedAt.size >= total) waiting();
    });
  },
});
await new Promise((resolve) => smtp.listen(0, "127.0.0.1", resolve));
const smtpPort = smtp.server.address().port;

const dir = mkdtempSync(join(tmpdir(), "cognate-delivery-latency-"));
const configPath = join(dir, "config.json");
writeFileSync(
  configPath,
  JSON.stringify({
    logLevel: "warn",
    seed: {
      pools: [
        {
          PoolName: "latency",
          Id: "us-east-1_Latency1",
          AutoVerifiedAttributes: ["email"],
          Clients: [{ ClientName: "bench", ClientId: "latencyclient1" }],
        },
      ],
    },
  }),
);
const { server, url } = await serveChild([
  "--db",
  join(dir, "c.db"),
  "--config",
  configPath,
  "--smtp-url",
  `smtp://127.0.0.1:${smtpPort}`,
]);

const sdk = new CognitoIdentityProviderClient({
  endpoint: url,
  region: "us-east-1",
  credentials: { accessKeyId: "AKIDLATENCY", secretAccessKey: "latency-secret" },
  maxAttempts: 1,
});
const signUp = (i) =>
  sdk.send(
    new SignUpCommand({
      ClientId: "latencyclient1",
      Username: `user${i}`,
      Password: "Corr3ct-Horse!",
      UserAttributes: [{ Name: "email", Value: `user${i}@example.com` }],
    }),
  );

// Warm-up (connections, JIT, the SMTP pool), not measured.
for (let i = 0; i < 10; i++) await signUp(`warm${i}`);
await new Promise((r) => setTimeout(r, 500));
receivedAt.clear();

const respondedAt = new Map();
const apiMs = [];
let next = 0;
const started = performance.now();
async function worker() {
  for (;;) {
    const i = next++;
    if (i >= total) return;
    const t0 = performance.now();
    await signUp(i);
    const t1 = performance.now();
    respondedAt.set(`user${i}@example.com`, t1);
    apiMs.push(t1 - t0);
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
if (receivedAt.size < total) {
  await Promise.race([
    new Promise((resolve) => {
      waiting = resolve;
    }),
    new Promise((resolve) => setTimeout(resolve, 30_000)),
  ]);
}
const elapsed = performance.now() - started;

const latencies = [];
for (const [address, t1] of respondedAt) {
  const t2 = receivedAt.get(address);
  if (t2 !== undefined) latencies.push(t2 - t1);
}
const q = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
const f = (x) => `${x.toFixed(1)} ms`;
console.log(
  `delivery latency, SignUp response → SMTP receipt: ${latencies.length}/${total} messages delivered, concurrency ${concurrency}, ${(total / (elapsed / 1000)).toFixed(0)} sign-ups/s`,
);
console.log(
  `  p50 ${f(q(latencies, 50))}  p90 ${f(q(latencies, 90))}  p99 ${f(q(latencies, 99))}  max ${f(Math.max(...latencies))}  min ${f(Math.min(...latencies))}`,
);
console.log(`  (SignUp itself: p50 ${f(q(apiMs, 50))}  p99 ${f(q(apiMs, 99))})`);
if (Math.min(...latencies) < 0) {
  console.log(
    "  (negative: the email was accepted before the client had read the response; delivery starts at commit)",
  );
}
console.log(
  `  load average while measuring: ${(await import("node:os"))
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`,
);

sdk.destroy();
server.kill("SIGTERM");
await new Promise((resolve) => server.once("exit", resolve));
await new Promise((resolve) => smtp.close(resolve));
rmSync(dir, { recursive: true, force: true });
if (latencies.length < total) process.exitCode = 1;
