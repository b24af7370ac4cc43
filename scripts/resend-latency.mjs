#!/usr/bin/env node
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
// Measures ResendConfirmationCode latency as a client sees it: N sequential calls through
// the AWS SDK v3 against a real `cognate serve` process (SQLite file, durable commits).
//   node scripts/resend-latency.mjs [--calls 1000] [--users 100]
// Run `npm run build` first.
import { serveChild } from "./lib/serve.mjs";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
const { values } = parseArgs({
  options: { calls: { type: "string", default: "1000" }, users: { type: "string", default: "100" } },
});
const calls = Number(values.calls);
const users = Number(values.users);

const dir = mkdtempSync(join(tmpdir(), "cognate-latency-"));
const configPath = join(dir, "config.json");
writeFileSync(configPath, JSON.stringify({ logLevel: "warn", limits: { resendPerUser: 1_000_000 } }));
const { server, url } = await serveChild(["--db", join(dir, "c.db"), "--config", configPath]);

const sdk = new CognitoIdentityProviderClient({
  endpoint: url,
  region: "us-east-1",
  credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
  maxAttempts: 1,
});
try {
  const pool = await sdk.send(
    new CreateUserPoolCommand({ PoolName: "latency", AutoVerifiedAttributes: ["email"] }),
  );
  const poolId = pool.UserPool.Id;
  const client = await sdk.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: "c" }));
  const clientId = client.UserPoolClient.ClientId;
  for (let i = 0; i < users; i++) {
    await sdk.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: `u${i}`,
        Password: "Corr3ct-Horse!",
        UserAttributes: [{ Name: "email", Value: `u${i}@example.com` }],
      }),
    );
  }
  // Warm-up, not counted.
  for (let i = 0; i < 50; i++)
    await sdk.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: `u${i % users}` }));
  const samples = [];
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    await sdk.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: `u${i % users}` }));
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  const q = (p) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))].toFixed(2);
  console.log(
    JSON.stringify({
      operation: "ResendConfirmationCode",
      calls,
      sequential: true,
      p50ms: +q(0.5),
      p90ms: +q(0.9),
      p99ms: +q(0.99),
      maxms: +samples.at(-1).toFixed(2),
    }),
  );
} finally {
  sdk.destroy();
  server.kill("SIGTERM");
  await new Promise((r) => server.once("exit", r));
  rmSync(dir, { recursive: true, force: true });
}
