#!/usr/bin/env node
// `npm run bench` — Cognate under load, next to the machine's ceiling and the open-source
// peers, in one run. See docs/benchmarks.md.
//
//   node scripts/bench.mjs [--duration 5] [--connections 32] [--scale 1000,100000,1000000]
//                          [--db postgres://…] [--no-peers] [--only resend,confirm-wrong,srp,prod,signin-prod,…]
//                          [--json bench-results/latest.json]
//
// Every figure comes from autocannon (this process) driving a server in another process over
// loopback. Cognate runs as `cognate serve` on a SQLite file with durable commits
// (synchronous=FULL, group commit) unless --db names PostgreSQL.
import { spawn, spawnSync } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { connect, createServer } from "node:net";
import { cpus, tmpdir, totalmem } from "node:os";
import { dirname, join, resolve as resolvePath } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import autocannon from "autocannon";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const DEFAULT_JSON = join(root, "bench-results", "latest.json");
const { values: args } = parseArgs({
  options: {
    duration: { type: "string", default: "5" },
    connections: { type: "string", default: "32" },
    scale: { type: "string", default: "1000,100000,1000000" },
    users: { type: "string", default: "20000" },
    db: { type: "string" },
    nodes: { type: "string", default: "1" },
    "no-peers": { type: "boolean", default: false },
    only: { type: "string" },
    json: { type: "string", default: DEFAULT_JSON },
    "production-hash": { type: "boolean", default: true },
  },
});
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);
// On PostgreSQL the scale runs are opt-in (--scale): loading a million rows takes a while.
const SCALES = (args.db && !process.argv.some((a) => a.startsWith("--scale")) ? "" : args.scale)
  .split(",")
  .filter(Boolean)
  .map((s) => Number(s));
const ONLY = args.only ? new Set(args.only.split(",")) : null;
const NODES = Number(args.nodes);
if (NODES > 1 && !args.db) {
  console.error("--nodes > 1 needs a shared database: --db postgres://…");
  process.exit(2);
}
const want = (name) => !ONLY || ONLY.has(name);
// Node options for the Cognate servers only, e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"
// to profile the server under the bench's load (not the load generator).
const SERVER_NODE_ARGS = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
const TARGET = "AWSCognitoIdentityProviderService.";
const PASSWORD = "Corr3ct-Horse!";
const SERVER_SECRET = Buffer.alloc(32, 7).toString("base64");

if (!existsSync(join(root, "dist", "main.js"))) {
  console.log("building…");
  spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
}
const { openStore } = await import(join(root, "dist/adapters/store/open.js"));
const { codeHmac } = await import(join(root, "dist/domain/codes.js"));
const { hashPassword, DEV_COST } = await import(join(root, "dist/domain/passwords.js"));
const { createVerifier, userIdentity } = await import(join(root, "dist/domain/srp/verifier.js"));
const { cryptoRandom } = await import(join(root, "dist/domain/ids.js"));
const { clientStart, clientClaim } = await import(join(root, "dist/domain/srp/client.js"));
const { formatTimestamp } = await import(join(root, "dist/domain/srp/timestamp.js"));

// ---------------------------------------------------------------------------------------
// Processes

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

async function waitForPort(port, proc, ms = 30_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (proc.exitCode !== null) throw new Error(`process exited with ${proc.exitCode}`);
    const ok = await fetch(`http://127.0.0.1:${port}/`, { method: "GET" }).then(
      () => true,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listening on ${port}`);
}

function rssMb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return Math.round(kb / 1024);
  } catch {
    return null;
  }
}

// Every process the benchmark starts, so that none outlives it: a run that fails half-way (or
// is interrupted) still ends its servers, by PID, on the way out.
const children = new Set();
function spawnChild(command, argv, options) {
  const proc = spawn(command, argv, options);
  children.add(proc);
  proc.once("exit", () => children.delete(proc));
  return proc;
}
process.on("exit", () => {
  for (const proc of children) {
    try {
      proc.kill("SIGKILL");
    } catch {}
  }
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(130));

async function stop(proc) {
  if (proc.exitCode !== null) return;
  proc.kill("SIGTERM");
  const t = setTimeout(() => proc.kill("SIGKILL"), 5000);
  await new Promise((r) => proc.once("exit", r));
  clearTimeout(t);
}

async function startCeiling() {
  const port = await freePort();
  const code = `
    const body = JSON.stringify({CodeDeliveryDetails:{AttributeName:"email",DeliveryMedium:"EMAIL",Destination:"u***@e***.com"}});
    require("node:http").createServer((req, res) => {
      req.on("data", () => {});
      req.on("end", () => {
        res.writeHead(200, {"Content-Type": "application/x-amz-json-1.1", "Content-Length": Buffer.byteLength(body), "x-amzn-RequestId": "00000000-0000-4000-8000-000000000000"});
        res.end(body);
      });
    }).listen(${port}, "127.0.0.1");`;
  const proc = spawnChild(process.execPath, ["-e", code], { stdio: "ignore" });
  await waitForPort(port, proc);
  return { name: "node:http ceiling", port, proc };
}

/** An SMTP server that accepts and discards every message: where production mode delivers. */
async function startSmtpSink() {
  const port = await freePort();
  const code = `
    const { SMTPServer } = require(${JSON.stringify(join(root, "node_modules", "smtp-server"))});
    new SMTPServer({ authOptional: true, disabledCommands: ["STARTTLS", "AUTH"], logger: false,
      onData(stream, _s, cb) { stream.on("data", () => {}); stream.on("end", () => cb()); } })
      .listen(${port}, "127.0.0.1");
    // Gone with the benchmark, even when it stops on an error: its end of the pipe closes.
    process.stdin.on("end", () => process.exit(0)).resume();`;
  const proc = spawnChild(process.execPath, ["-e", code], { stdio: ["pipe", "ignore", "ignore"] });
  // Not HTTP: wait for the port to accept a connection.
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) throw new Error(`SMTP sink exited with ${proc.exitCode}`);
    const ok = await new Promise((resolve) => {
      const c = connect(port, "127.0.0.1", () => resolve(true)).on("error", () => resolve(false));
      c.on("connect", () => c.destroy());
    });
    if (ok) break;
    if (i > 300) throw new Error(`SMTP sink: nothing listening on ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { port, proc };
}

async function startCognate(dir, extra = {}, file = "cognate.db") {
  const port = await freePort();
  const db = args.db ?? join(dir, file);
  const config = {
    logLevel: "warn",
    serverSecret: SERVER_SECRET,
    limits: {
      resendPerUser: 1e9,
      confirmPerUser: 1e9,
      codeMaxFailedAttempts: 1e9,
      forgotPasswordPerUser: 1e9,
    },
    ...extra,
  };
  const cfgPath = join(dir, `config-${port}.json`);
  writeFileSync(cfgPath, JSON.stringify(config));
  const proc = spawnChild(
    process.execPath,
    [
      ...SERVER_NODE_ARGS,
      join(root, "bin/cognate.js"),
      "serve",
      "--port",
      String(port),
      "--db",
      db,
      "--config",
      cfgPath,
    ],
    {
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  await waitForPort(port, proc);
  return { name: "cognate", port, proc, db };
}

async function startCognitoLocal(dir) {
  const bin = join(root, "bench", "peers", "node_modules", "cognito-local", "lib", "bin", "start.js");
  if (!existsSync(bin)) {
    // The peer is a dependency of the benchmark only: installed here, on demand.
    console.log("  (installing cognito-local into bench/peers for the comparison…)");
    const r = spawnSync("npm", ["ci", "--prefix", join(root, "bench", "peers"), "--no-audit", "--no-fund"], {
      stdio: "ignore",
    });
    if (r.status !== 0 || !existsSync(bin)) return null;
  }
  const port = await freePort();
  const cwd = join(dir, `cognito-local-${port}`);
  mkdirSync(cwd, { recursive: true });
  const proc = spawnChild(process.execPath, [bin], {
    cwd,
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1" },
    stdio: "ignore",
  });
  await waitForPort(port, proc);
  return { name: "cognito-local", port, proc };
}

async function startMoto() {
  const probe = spawnSync("python3", ["-c", "import moto.server"], { stdio: "ignore" });
  if (probe.status !== 0) return null;
  const port = await freePort();
  const proc = spawnChild("python3", ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)], {
    stdio: "ignore",
  });
  await waitForPort(port, proc, 60_000);
  return { name: "moto", port, proc, closesConnections: true };
}

// ---------------------------------------------------------------------------------------
// API helpers (setup only; the load itself is autocannon's)

async function call(port, op, body) {
  const r = await fetch(`http://127.0.0.1:${port}/`, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": TARGET + op,
      // moto routes on the SigV4 credential scope; a dummy header tells it the service.
      authorization:
        "AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=0",
    },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  const json = text ? JSON.parse(text) : {};
  if (r.status !== 200) throw new Error(`${op} → ${r.status} ${text.slice(0, 200)}`);
  return json;
}

async function makePool(port) {
  const p = await call(port, "CreateUserPool", {
    PoolName: `bench-${Date.now()}`,
    AutoVerifiedAttributes: ["email"],
  });
  const poolId = p.UserPool.Id;
  const c = await call(port, "CreateUserPoolClient", { UserPoolId: poolId, ClientName: "bench" });
  return { poolId, clientId: c.UserPoolClient.ClientId };
}

/** Loads unconfirmed users (with a known code "123456" each) straight through the store. */
async function bulkLoad(db, poolId, count, prefix = "u") {
  const { store, serverSecret } = await openStore(db, { serverSecret: SERVER_SECRET });
  const t0 = performance.now();
  const now = Date.now();
  const BATCH = 2000;
  try {
    for (let i = 0; i < count; i += BATCH) {
      const users = [];
      const codes = [];
      for (let j = i; j < Math.min(count, i + BATCH); j++) {
        const username = `${prefix}${j}`;
        users.push({
          user: {
            poolId,
            username,
            sub: randomUUID(),
            status: "UNCONFIRMED",
            enabled: true,
            attributes: { email: `${username}@example.com`, email_verified: "false" },
            passwordHash: null,
            srp: null,
            passwordChangedAt: null,
            createdAt: now,
            updatedAt: now,
          },
          usernameKey: username,
        });
        codes.push({
          poolId,
          username,
          purpose: "SIGNUP",
          codeHmac: codeHmac(serverSecret, poolId, username, "SIGNUP", "123456"),
          previous: [],
          attributeName: "email",
          issuedAt: now,
          expiresAt: now + 24 * 3600_000,
          failedAttempts: 0,
          consumedAt: null,
        });
      }
      await store.transaction(async (tx) => {
        await tx.users.insertMany(users);
        await tx.codes.putMany(codes);
      });
    }
  } finally {
    await store.close();
  }
  return (performance.now() - t0) / 1000;
}

/**
 * Loads confirmed users who can sign in with PASSWORD (the dev hash, as the server's default
 * cost; one hash shared by all, since each check costs the same) and have an SRP verifier.
 */
async function bulkLoadSignIn(db, poolId, count, prefix = "p", cost = DEV_COST) {
  const { store } = await openStore(db, { serverSecret: SERVER_SECRET });
  const hash = await hashPassword(PASSWORD, cost);
  const now = Date.now();
  try {
    const users = [];
    for (let j = 0; j < count; j++) {
      const username = `${prefix}${j}`;
      users.push({
        user: {
          poolId,
          username,
          sub: randomUUID(),
          status: "CONFIRMED",
          enabled: true,
          attributes: { email: `${username}@example.com`, email_verified: "true" },
          passwordHash: hash,
          srp: createVerifier(cryptoRandom, userIdentity(poolId, username), PASSWORD),
          passwordChangedAt: now,
          createdAt: now,
          updatedAt: now,
        },
        usernameKey: username,
      });
    }
    await store.transaction((tx) => tx.users.insertMany(users));
  } finally {
    await store.close();
  }
}

/**
 * Full USER_SRP_AUTH handshakes (InitiateAuth → RespondToAuthChallenge PASSWORD_VERIFIER,
 * then tokens) by a fixed number of concurrent clients for the run's duration. The clients'
 * half of the math during the handshake (src/domain/srp/client.ts: x, S and the claim) runs in
 * this process, on the same cores as the server, so the figure is a floor for the server.
 */
async function srpHandshakes(server) {
  const p = await call(server.port, "CreateUserPool", { PoolName: `bench-srp-${Date.now()}` });
  const poolId = p.UserPool.Id;
  const c = await call(server.port, "CreateUserPoolClient", {
    UserPoolId: poolId,
    ClientName: "bench-srp",
    ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
  });
  const clientId = c.UserPoolClient.ClientId;
  const N = 2000;
  await bulkLoadSignIn(server.db, poolId, N, "s");
  // Clients draw a and compute A before they send anything: drawn ahead here (and reused), so
  // that the bench process's CPU goes to what happens during a handshake.
  const starts = Array.from({ length: 64 }, () => clientStart(cryptoRandom));
  const handshake = async (i) => {
    const start = starts[i % starts.length];
    const ch = await call(server.port, "InitiateAuth", {
      ClientId: clientId,
      AuthFlow: "USER_SRP_AUTH",
      AuthParameters: { USERNAME: `s${i % N}`, SRP_A: start.srpA },
    });
    const q = ch.ChallengeParameters;
    const timestamp = formatTimestamp(Date.now());
    const signature = clientClaim({
      start,
      srpB: q.SRP_B,
      salt: q.SALT,
      identity: userIdentity(poolId, q.USER_ID_FOR_SRP),
      password: PASSWORD,
      secretBlock: q.SECRET_BLOCK,
      timestamp,
    });
    const r = await call(server.port, "RespondToAuthChallenge", {
      ClientId: clientId,
      ChallengeName: "PASSWORD_VERIFIER",
      ChallengeResponses: {
        USERNAME: q.USER_ID_FOR_SRP,
        PASSWORD_CLAIM_SECRET_BLOCK: q.SECRET_BLOCK,
        TIMESTAMP: timestamp,
        PASSWORD_CLAIM_SIGNATURE: signature,
      },
    });
    if (!r.AuthenticationResult?.AccessToken) throw new Error(`no tokens: ${JSON.stringify(r)}`);
  };
  // The pool's first sign-in makes its signing keys: not part of the figure.
  await handshake(0);
  const workers = Math.min(CONNECTIONS, 16);
  const latencies = [];
  const errors = {};
  let next = 1;
  const started = Date.now();
  const end = started + DURATION * 1000;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (Date.now() < end) {
        const t0 = performance.now();
        try {
          await handshake(next++);
          latencies.push(performance.now() - t0);
        } catch (e) {
          const k = String(e?.message ?? e).slice(0, 40);
          errors[k] = (errors[k] ?? 0) + 1;
        }
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  return {
    rps: Math.round(latencies.length / elapsed),
    p50: at(0.5),
    p99: at(0.99),
    max: Math.round(latencies[latencies.length - 1] ?? 0),
    rssMb: rssMb(server.proc.pid),
    errors,
  };
}

// ---------------------------------------------------------------------------------------
// Load

/**
 * CPU time (clock ticks) of every process on this machine named `postgres`: the PostgreSQL
 * server's own share of a run on `--db postgres://…` (the server must run on this machine).
 */
function postgresTicks() {
  let ticks = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      if (stat.slice(stat.indexOf("(") + 1, close) !== "postgres") continue;
      const fields = stat.slice(close + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {}
  }
  return ticks;
}

/** Drives several nodes at once (connections split between them) and sums their figures. */
async function loadAll(servers, spec) {
  if (!args.db) return loadNodes(servers, spec);
  const ticks = postgresTicks();
  const t = performance.now();
  const r = await loadNodes(servers, spec);
  // Clock ticks are 1/100 s on Linux; the figure covers the warm-up too.
  const cores = (postgresTicks() - ticks) / 100 / ((performance.now() - t) / 1000);
  return { ...r, postgresCores: Math.round(cores * 100) / 100 };
}

async function loadNodes(servers, spec) {
  if (servers.length === 1) return load(servers[0], spec);
  const per = Math.max(1, Math.round(CONNECTIONS / servers.length));
  const parts = await Promise.all(
    servers.map((srv, k) => {
      const requests = spec.requests ? (i) => spec.requests(i * servers.length + k) : undefined;
      return load(srv, { ...spec, requests, connections: per });
    }),
  );
  const errors = {};
  for (const p of parts) for (const [t, n] of Object.entries(p.errors)) errors[t] = (errors[t] ?? 0) + n;
  return {
    rps: parts.reduce((a, p) => a + p.rps, 0),
    p50: Math.max(...parts.map((p) => p.p50)),
    p99: Math.max(...parts.map((p) => p.p99)),
    max: Math.max(...parts.map((p) => p.max)),
    total: parts.reduce((a, p) => a + p.total, 0),
    errors,
    rssMb: parts.reduce((a, p) => a + (p.rssMb ?? 0), 0),
  };
}

/**
 * For servers that close the connection after every response (moto's Werkzeug server does),
 * which autocannon does not reconnect promptly: the same fixed-concurrency load with fetch,
 * one connection per request.
 */
async function loadReconnecting(server, { op, body, requests, connections = CONNECTIONS }) {
  const types = {};
  const latencies = [];
  let n = 0;
  const until = performance.now() + DURATION * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < until) {
        const t = performance.now();
        const r = await fetch(`http://127.0.0.1:${server.port}/`, {
          method: "POST",
          headers: {
            "content-type": "application/x-amz-json-1.1",
            "x-amz-target": TARGET + op,
            authorization:
              "AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=0",
          },
          body: JSON.stringify(requests ? requests(n++) : body),
        });
        const text = await r.text();
        latencies.push(performance.now() - t);
        if (r.status !== 200) {
          let ty = `HTTP ${r.status}`;
          try {
            ty = String(JSON.parse(text).__type ?? ty);
          } catch {}
          types[ty] = (types[ty] ?? 0) + 1;
        }
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const q = (x) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(x * latencies.length))] ?? 0);
  return {
    rps: Math.round(latencies.length / DURATION),
    p50: q(0.5),
    p99: q(0.99),
    max: Math.round(latencies.at(-1) ?? 0),
    total: latencies.length,
    errors: types,
    rssMb: rssMb(server.proc.pid),
  };
}

async function load(server, spec) {
  return server.closesConnections ? loadReconnecting(server, spec) : loadKeepAlive(server, spec);
}

async function loadKeepAlive(
  server,
  { op, body, requests, connections = CONNECTIONS, warmup = true, seconds = DURATION },
) {
  const types = {};
  let n = 0;
  if (warmup) {
    // One second first, not counted: JIT, page cache and connection set-up settle.
    await loadKeepAlive(server, {
      op,
      body,
      requests: requests ? (i) => requests(1_000_000_000 + i) : undefined,
      connections,
      warmup: false,
      seconds: 1,
    });
  }
  const onResponse = (status, resBody) => {
    if (status !== 200) {
      let t = `HTTP ${status}`;
      try {
        const j = JSON.parse(resBody);
        t = String(j.__type ?? j.code ?? t)
          .split("#")
          .pop()
          .split(":")[0];
      } catch {}
      types[t] = (types[t] ?? 0) + 1;
    }
  };
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}`,
    connections,
    duration: seconds,
    requests: [
      {
        method: "POST",
        path: "/",
        headers: {
          "content-type": "application/x-amz-json-1.1",
          "x-amz-target": TARGET + op,
          authorization:
            "AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=0",
        },
        setupRequest: (req) => ({ ...req, body: JSON.stringify(requests ? requests(n++) : body) }),
        onResponse,
      },
    ],
  });
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    total: result.requests.total,
    errors: types,
    rssMb: rssMb(server.proc.pid),
  };
}

// ---------------------------------------------------------------------------------------

const rows = [];
const report = (row) => {
  if (row.postgresCores !== undefined) {
    row.note = `${row.note ?? ""}; PostgreSQL ${row.postgresCores.toFixed(2)} cores`;
  }
  rows.push(row);
  const e = Object.entries(row.errors ?? {})
    .map(([k, v]) => `${k}:${v}`)
    .join(" ");
  console.log(
    `${row.server.padEnd(26)} ${row.scenario.padEnd(30)} ${String(row.rps ?? "-").padStart(7)} req/s  p50 ${String(row.p50 ?? "-").padStart(4)} ms  p99 ${String(row.p99 ?? "-").padStart(4)} ms  max ${String(row.max ?? "-").padStart(5)} ms  rss ${String(row.rssMb ?? "-").padStart(4)} MB  ${row.note ?? ""}${e ? ` errors ${e}` : ""}`,
  );
};

const dir = mkdtempSync(join(tmpdir(), "cognate-bench-"));
const started = Date.now();
console.log(
  `Cognate benchmark — ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}; ` +
    `autocannon ${CONNECTIONS} connections × ${DURATION}s per figure${args.db ? `; db ${new URL(args.db).protocol}` : "; db SQLite file"}`,
);

try {
  // 1. The ceiling: a node:http server answering fixed JSON.
  const ceiling = await startCeiling();
  const ceil = await load(ceiling, { op: "ResendConfirmationCode", body: { ClientId: "x", Username: "u1" } });
  report({ server: ceiling.name, scenario: "fixed JSON", ...ceil });
  await stop(ceiling.proc);

  // 2. Cognate.
  const cognate = await startCognate(dir);
  const nodes = [cognate];
  for (let k = 1; k < NODES; k++) nodes.push(await startCognate(dir));
  const label = NODES > 1 ? `cognate × ${NODES} nodes` : "cognate";
  const { poolId, clientId } = await makePool(cognate.port);
  const USERS = Number(args.users);
  const loadSecs = await bulkLoad(cognate.db, poolId, USERS);
  console.log(`  (bulk-loaded ${USERS} unconfirmed users in ${loadSecs.toFixed(1)} s)`);
  const ratio = (r) => `${Math.round((r.rps / ceil.rps) * 100)}% of ceiling`;
  if (want("resend")) {
    const r = await loadAll(nodes, {
      op: "ResendConfirmationCode",
      requests: (i) => ({ ClientId: clientId, Username: `u${i % USERS}` }),
    });
    report({ server: label, scenario: "ResendConfirmationCode", ...r, note: ratio(r) });
  }
  if (want("confirm-wrong")) {
    const r = await loadAll(nodes, {
      op: "ConfirmSignUp",
      requests: (i) => ({ ClientId: clientId, Username: `u${i % USERS}`, ConfirmationCode: "000000" }),
    });
    report({ server: label, scenario: "ConfirmSignUp (wrong code)", ...r, note: ratio(r) });
  }
  if (want("confirm-right")) {
    // Each user confirms once: load enough users that the run never runs out (the warm-up
    // second uses users the measured run does not).
    const fresh = await makePool(cognate.port);
    const n = 200_000;
    await bulkLoad(cognate.db, fresh.poolId, n, "c");
    const r = await load(cognate, {
      op: "ConfirmSignUp",
      requests: (i) => ({
        ClientId: fresh.clientId,
        Username: i >= 1_000_000_000 ? `c${150_000 + ((i - 1_000_000_000) % 50_000)}` : `c${i % 150_000}`,
        ConfirmationCode: "123456",
      }),
    });
    report({ server: "cognate", scenario: "ConfirmSignUp (right code)", ...r, note: ratio(r) });
  }
  if (want("signup")) {
    const tag = Date.now().toString(36);
    const r = await load(cognate, {
      op: "SignUp",
      requests: (i) => ({
        ClientId: clientId,
        Username: `s${tag}${i}`,
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: `s${tag}${i}@example.com` }],
      }),
    });
    report({ server: "cognate", scenario: "SignUp (dev hash, scrypt 2^4)", ...r, note: ratio(r) });
  }
  if (want("forgot")) {
    // ForgotPassword: confirmed users with a verified email, a code and a message per request.
    const p = await call(cognate.port, "CreateUserPool", { PoolName: `bench-forgot-${Date.now()}` });
    const c = await call(cognate.port, "CreateUserPoolClient", {
      UserPoolId: p.UserPool.Id,
      ClientName: "bench-forgot",
    });
    const N = 20_000;
    await bulkLoadSignIn(cognate.db, p.UserPool.Id, N, "f");
    const r = await load(cognate, {
      op: "ForgotPassword",
      requests: (i) => ({ ClientId: c.UserPoolClient.ClientId, Username: `f${i % N}` }),
    });
    report({ server: "cognate", scenario: "ForgotPassword", ...r, note: ratio(r) });
  }
  if (want("signin") || want("getuser")) {
    // Sign-in: a client that allows USER_PASSWORD_AUTH, users with the dev hash.
    const p = await call(cognate.port, "CreateUserPool", { PoolName: `bench-signin-${Date.now()}` });
    const signinPool = p.UserPool.Id;
    const c = await call(cognate.port, "CreateUserPoolClient", {
      UserPoolId: signinPool,
      ClientName: "bench-signin",
      ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    });
    const signinClient = c.UserPoolClient.ClientId;
    const N = 2000;
    await bulkLoadSignIn(cognate.db, signinPool, N);
    const signIn = (i) => ({
      ClientId: signinClient,
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: `p${i % N}`, PASSWORD },
    });
    // The pool's first sign-in makes its signing keys (most of a second): not part of the figure.
    const first = await call(cognate.port, "InitiateAuth", signIn(0));
    if (want("signin")) {
      const r = await load(cognate, { op: "InitiateAuth", requests: signIn });
      report({
        server: "cognate",
        scenario: "InitiateAuth USER_PASSWORD_AUTH (dev hash)",
        ...r,
        note: ratio(r),
      });
    }
    if (want("getuser")) {
      const tokens = [first.AuthenticationResult.AccessToken];
      for (let i = 1; i < 100; i++)
        tokens.push((await call(cognate.port, "InitiateAuth", signIn(i))).AuthenticationResult.AccessToken);
      const r = await load(cognate, {
        op: "GetUser",
        requests: (i) => ({ AccessToken: tokens[i % tokens.length] }),
      });
      report({ server: "cognate", scenario: "GetUser (valid access token)", ...r, note: ratio(r) });
    }
  }
  if (want("srp")) {
    const r = await srpHandshakes(cognate);
    report({
      server: "cognate",
      scenario: "USER_SRP_AUTH full handshake",
      ...r,
      note: "handshakes/s (2 requests each; client math in the bench process)",
    });
  }
  if (want("describe")) {
    const r = await load(cognate, {
      op: "DescribeUserPoolClient",
      body: { UserPoolId: poolId, ClientId: clientId },
    });
    report({ server: "cognate", scenario: "DescribeUserPoolClient", ...r, note: ratio(r) });
  }
  for (const n of nodes) await stop(n.proc);

  // Production mode on the same database: no dev inbox, no per-message log line; messages go
  // out over SMTP (to a sink), the per-IP limit off as in dev mode, the dev hash for SignUp.
  if (want("prod") && !args.db) {
    const sink = await startSmtpSink();
    const prod = await startCognate(dir, {
      mode: "production",
      email: { smtpUrl: `smtp://127.0.0.1:${sink.port}`, from: "no-reply@bench.test" },
      limits: { resendPerUser: 1e9, confirmPerUser: 1e9, codeMaxFailedAttempts: 1e9, ipRequestsPerSecond: 0 },
      passwordHashing: { ln: 4, r: 8, p: 1 },
    });
    const r = await load(prod, {
      op: "ResendConfirmationCode",
      requests: (i) => ({ ClientId: clientId, Username: `u${i % USERS}` }),
    });
    report({ server: "cognate (production mode)", scenario: "ResendConfirmationCode", ...r, note: ratio(r) });
    const w = await load(prod, {
      op: "ConfirmSignUp",
      requests: (i) => ({ ClientId: clientId, Username: `u${i % USERS}`, ConfirmationCode: "000000" }),
    });
    report({
      server: "cognate (production mode)",
      scenario: "ConfirmSignUp (wrong code)",
      ...w,
      note: ratio(w),
    });
    const tag = Date.now().toString(36);
    const su = await load(prod, {
      op: "SignUp",
      requests: (i) => ({
        ClientId: clientId,
        Username: `m${tag}${i}`,
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: `m${tag}${i}@example.com` }],
      }),
    });
    report({
      server: "cognate (production mode)",
      scenario: "SignUp (dev hash, scrypt 2^4)",
      ...su,
      note: ratio(su),
    });
    await stop(prod.proc);
    await stop(sink.proc);
  }

  // SignUp with the production hash, and Resend's p99 while SignUp load runs beside it.
  if (want("signup-prod") && args["production-hash"]) {
    // A database of its own: the earlier scenarios leave messages queued for transports this
    // server does not have, and its outbox would drain them during the measurement.
    const prod = await startCognate(dir, { passwordHashing: { ln: 17, r: 8, p: 1 } }, "prod-hash.db");
    const pc = await makePool(prod.port);
    await bulkLoad(prod.db, pc.poolId, 5000);
    const tag = Date.now().toString(36);
    const resendSpec = {
      op: "ResendConfirmationCode",
      requests: (i) => ({ ClientId: pc.clientId, Username: `u${i % 5000}` }),
    };
    // A production hash takes a few hundred ms of one core: 4 connections keep the thread
    // pool busy without queueing requests past autocannon's timeout.
    const signupSpec = (prefix) => ({
      op: "SignUp",
      connections: 4,
      requests: (i) => ({
        ClientId: pc.clientId,
        Username: `${prefix}${tag}${i}`,
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: `${prefix}${tag}${i}@example.com` }],
      }),
    });
    const alone = await load(prod, resendSpec);
    report({ server: "cognate", scenario: "Resend, alone (prod server)", ...alone });
    const r = await load(prod, signupSpec("p"));
    report({ server: "cognate", scenario: "SignUp (prod hash, scrypt 2^17)", ...r, note: "4 connections" });
    // The server is still hashing what was in flight when the load stopped; let it finish.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    // Resend again while a production-hash SignUp load runs beside it: hashing runs on the
    // thread pool, so the event loop (and Resend's latency) should barely notice.
    const [beside] = await Promise.all([load(prod, resendSpec), load(prod, signupSpec("q"))]);
    report({ server: "cognate", scenario: "Resend, beside prod SignUp", ...beside });
    await stop(prod.proc);
  }

  // Sign-in with the production hash: each InitiateAuth checks a scrypt 2^17 hash on the
  // thread pool. DescribeUserPoolClient's latency alone, then beside a sign-in burst, shows
  // whether sign-ins stall the event loop for everyone else.
  if (want("signin-prod") && args["production-hash"]) {
    const prodCost = { ln: 17, r: 8, p: 1 };
    const prod = await startCognate(dir, { passwordHashing: prodCost }, "prod-signin.db");
    const p = await call(prod.port, "CreateUserPool", { PoolName: `bench-signin-prod-${Date.now()}` });
    const c = await call(prod.port, "CreateUserPoolClient", {
      UserPoolId: p.UserPool.Id,
      ClientName: "bench-signin-prod",
      ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    });
    const N = 200;
    await bulkLoadSignIn(prod.db, p.UserPool.Id, N, "p", prodCost);
    const signIn = (i) => ({
      ClientId: c.UserPoolClient.ClientId,
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: `p${i % N}`, PASSWORD },
    });
    await call(prod.port, "InitiateAuth", signIn(0)); // makes the pool's signing keys
    const describeSpec = {
      op: "DescribeUserPoolClient",
      body: { UserPoolId: p.UserPool.Id, ClientId: c.UserPoolClient.ClientId },
    };
    const alone = await load(prod, describeSpec);
    report({ server: "cognate", scenario: "DescribeUserPoolClient, alone (prod hash server)", ...alone });
    const burst = { op: "InitiateAuth", connections: 4, requests: signIn };
    const [beside, signins] = await Promise.all([load(prod, describeSpec), load(prod, burst)]);
    report({ server: "cognate", scenario: "DescribeUserPoolClient, beside prod sign-ins", ...beside });
    report({
      server: "cognate",
      scenario: "InitiateAuth USER_PASSWORD_AUTH (prod hash, scrypt 2^17)",
      ...signins,
      note: "4 connections",
    });
    await stop(prod.proc);
  }

  // 3. Scale: the Resend figure as the pool grows.
  if (want("scale")) {
    for (const size of SCALES) {
      const sdir = join(dir, `scale-${size}`);
      mkdirSync(sdir);
      const srv = await startCognate(sdir);
      const sp = await makePool(srv.port);
      const secs = await bulkLoad(srv.db, sp.poolId, size);
      // Restart so the figure includes opening a database of that size.
      await stop(srv.proc);
      const again = await startCognate(sdir);
      const r = await load(again, {
        op: "ResendConfirmationCode",
        requests: (i) => ({ ClientId: sp.clientId, Username: `u${(i * 7919) % size}` }),
      });
      report({
        server: "cognate",
        scenario: `Resend, ${size.toLocaleString("en")} users`,
        ...r,
        note: `loaded in ${secs.toFixed(1)} s`,
      });
      // ListUsers on the same pool: a prefix filter (on the indexed search) and a plain first
      // page; both should cost the same at every size.
      const lf = await load(again, {
        op: "ListUsers",
        requests: (i) => ({ UserPoolId: sp.poolId, Limit: 20, Filter: `email ^= "u${(i * 7919) % size}"` }),
      });
      report({
        server: "cognate",
        scenario: `ListUsers email ^=, ${size.toLocaleString("en")} users`,
        ...lf,
      });
      const lp = await load(again, { op: "ListUsers", body: { UserPoolId: sp.poolId, Limit: 60 } });
      report({
        server: "cognate",
        scenario: `ListUsers first page, ${size.toLocaleString("en")} users`,
        ...lp,
      });
      await stop(again.proc);
      rmSync(sdir, { recursive: true, force: true });
    }
  }

  // 4. Peers, where installed.
  if (!args["no-peers"]) {
    for (const start of [startCognitoLocal, startMoto]) {
      const peer = await start(dir).catch((e) => {
        console.log(`  (${start.name}: ${e.message})`);
        return null;
      });
      if (!peer) {
        console.log(
          `  (${start === startMoto ? "moto" : "cognito-local"} not installed: skipped — see docs/benchmarks.md)`,
        );
        continue;
      }
      const { clientId: pcid } = await makePool(peer.port);
      const N = 500;
      for (let i = 0; i < N; i++) {
        await call(peer.port, "SignUp", {
          ClientId: pcid,
          // Email-shaped: cognito-local's pools sign users in with their email by default.
          Username: `u${i}@example.com`,
          Password: PASSWORD,
          UserAttributes: [{ Name: "email", Value: `u${i}@example.com` }],
        });
      }
      const resend = await load(peer, {
        op: "ResendConfirmationCode",
        requests: (i) => ({ ClientId: pcid, Username: `u${i % N}@example.com` }),
      });
      report({
        server: peer.name,
        scenario: "ResendConfirmationCode",
        ...resend,
        note:
          Object.values(resend.errors).reduce((a, b) => a + b, 0) >= resend.total * 0.9
            ? "not implemented by this peer: every call failed"
            : "",
      });
      const wrong = await load(peer, {
        op: "ConfirmSignUp",
        requests: (i) => ({ ClientId: pcid, Username: `u${i % N}@example.com`, ConfirmationCode: "000000" }),
      });
      report({
        server: peer.name,
        scenario: "ConfirmSignUp (wrong code)",
        ...wrong,
        note: peer.name === "moto" ? "moto accepts any code" : "",
      });
      const tag = Date.now().toString(36);
      const su = await load(peer, {
        op: "SignUp",
        requests: (i) => ({
          ClientId: pcid,
          Username: `s${tag}${i}@example.com`,
          Password: PASSWORD,
          UserAttributes: [{ Name: "email", Value: `s${tag}${i}@example.com` }],
        }),
      });
      report({ server: peer.name, scenario: "SignUp", ...su });
      await stop(peer.proc);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const out = {
  date: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    model: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  },
  connections: CONNECTIONS,
  durationSeconds: DURATION,
  db: args.db ? "postgres" : "sqlite",
  nodes: NODES,
  elapsedSeconds: Math.round((Date.now() - started) / 1000),
  rows,
};
mkdirSync(dirname(args.json), { recursive: true });
writeFileSync(args.json, `${JSON.stringify(out, null, 2)}\n`);
console.log(`\nwrote ${args.json} (${out.elapsedSeconds} s)`);
// The documents' tables come from the JSON, never by hand (scripts/gen-bench-table.mjs).
if (resolvePath(args.json) === DEFAULT_JSON) {
  spawnSync(process.execPath, [join(root, "scripts", "gen-bench-table.mjs")], { stdio: "inherit" });
} else {
  console.log(
    `docs not updated (they show ${DEFAULT_JSON}); node scripts/gen-bench-table.mjs --json FILE would`,
  );
}
void createHmac;
