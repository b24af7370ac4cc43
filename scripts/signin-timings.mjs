#!/usr/bin/env node
// Timings of the sign-in building blocks (docs/signin-internals.md, "Speed"): one server-side
// SRP handshake, password-set verifier, RS256 sign and verify. Medians over many runs of the
// built code (run `npm run build` first):  node scripts/signin-timings.mjs [--runs 200]
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { runs: { type: "string", default: "200" } } });
const RUNS = Number(values.runs);

const dist = new URL("../dist/domain/", import.meta.url);
const load = (p) => import(new URL(p, dist).href);
const { cryptoRandom } = await load("ids.js");
const { deriveSealKey } = await load("seal.js");
const { issueSecretBlock, openSecretBlock } = await load("secretBlock.js");
const { clientClaim, clientStart } = await load("srp/client.js");
const { G, N, modPow } = await load("srp/group.js");
const { serverChallenge, verifyPasswordClaim } = await load("srp/server.js");
const { formatTimestamp } = await load("srp/timestamp.js");
const { createVerifier, userIdentity, verifierTag } = await load("srp/verifier.js");
const { buildClaims } = await load("tokens/claims.js");
const { signToken, verifyAccessToken } = await load("tokens/jwt.js");
const { generateSigningKey, loadKeyRing, loadSigner } = await load("tokens/keys.js");

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function time(label, runs, prepare, fn) {
  const samples = [];
  for (let i = 0; i < runs + 10; i++) {
    const input = prepare ? await prepare() : undefined;
    const t = performance.now();
    await fn(input);
    if (i >= 10) samples.push(performance.now() - t);
  }
  console.log(
    `${label.padEnd(58)} median ${median(samples).toFixed(3)} ms  (p90 ${samples.sort((a, b) => a - b)[Math.floor(runs * 0.9)].toFixed(3)} ms, ${runs} runs)`,
  );
}

const POOL = "us-east-1_Timing123";
const ID = userIdentity(POOL, "alice");
const key = deriveSealKey(Buffer.alloc(32, 1), "srp-secret-block");
const stored = createVerifier(cryptoRandom, ID, "P@ssw0rd!");

console.log(`node ${process.version}, ${RUNS} runs each\n`);
await time("SRP password set (salt + verifier, 1 modexp)", RUNS, null, () =>
  createVerifier(cryptoRandom, ID, "P@ssw0rd!"),
);
await time(
  "SRP InitiateAuth server side (B, S, key; SECRET_BLOCK)",
  RUNS,
  () => clientStart(cryptoRandom),
  (start) => {
    const c = serverChallenge(cryptoRandom, stored, start.srpA);
    issueSecretBlock(key, cryptoRandom, {
      challenge: "PASSWORD_VERIFIER",
      poolId: POOL,
      clientId: "c",
      username: "alice",
      key: c.key,
      verifierTag: verifierTag(stored),
      issuedAt: Date.now(),
    });
  },
);
// The answer step: open the block, check the claim.
await time(
  "SRP RespondToAuthChallenge server side (open block, HMAC)",
  RUNS,
  () => {
    const start = clientStart(cryptoRandom);
    const c = serverChallenge(cryptoRandom, stored, start.srpA);
    const { secretBlock } = issueSecretBlock(key, cryptoRandom, {
      challenge: "PASSWORD_VERIFIER",
      poolId: POOL,
      clientId: "c",
      username: "alice",
      key: c.key,
      verifierTag: verifierTag(stored),
      issuedAt: Date.now(),
    });
    const ts = formatTimestamp(Date.now());
    const sig = clientClaim({
      start,
      srpB: c.srpB,
      salt: stored.salt,
      identity: ID,
      password: "P@ssw0rd!",
      secretBlock,
      timestamp: ts,
    });
    return { secretBlock, ts, sig };
  },
  ({ secretBlock, ts, sig }) => {
    const o = openSecretBlock(key, secretBlock, { poolId: POOL, clientId: "c" }, Date.now(), 180_000);
    if (o.kind !== "ok" || !verifyPasswordClaim(o.state.key, ID, secretBlock, ts, sig))
      throw new Error("proof refused");
  },
);
await time(
  "  (for comparison) one 256-bit modexp, OpenSSL",
  RUNS,
  () => cryptoRandom.bytes(32),
  (e) => modPow(G + 12345n, BigInt(`0x${e.toString("hex")}`)),
);
function naive(base, exp) {
  let r = 1n;
  let b = base % N;
  while (exp > 0n) {
    if (exp & 1n) r = (r * b) % N;
    b = (b * b) % N;
    exp >>= 1n;
  }
  return r;
}
await time(
  "  (for comparison) one 256-bit modexp, plain BigInt",
  Math.max(20, RUNS / 10),
  () => cryptoRandom.bytes(32),
  (e) => naive(G + 12345n, BigInt(`0x${e.toString("hex")}`)),
);

const [idKey, accessKey] = await Promise.all([generateSigningKey("id"), generateSigningKey("access")]);
const signer = await loadSigner(accessKey);
const ring = await loadKeyRing([idKey, accessKey]);
const claims = buildClaims(cryptoRandom, {
  user: {
    username: "alice",
    sub: cryptoRandom.uuid(),
    attributes: { email: "a@example.com", email_verified: "true" },
  },
  groups: [],
  clientId: "c",
  issuer: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Timing123",
  now: Date.now(),
  authTime: Date.now(),
  originJti: cryptoRandom.uuid(),
  eventId: cryptoRandom.uuid(),
  revocationEnabled: true,
  validity: { accessSeconds: 3600, idSeconds: 3600 },
});
const token = await signToken(signer, claims.access);
await time("RS256 sign (one access token, jose)", RUNS, null, () => signToken(signer, claims.access));
await time("RS256 verify (verifyAccessToken)", RUNS, null, async () => {
  const r = await verifyAccessToken(token, { keys: ring, issuer: claims.access.iss, now: Date.now() });
  if (r.kind !== "ok") throw new Error(r.kind);
});
await time("RSA-2048 key pair generation", 10, null, () => generateSigningKey("id"));
