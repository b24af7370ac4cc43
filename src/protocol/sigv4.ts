// SigV4 verification for the admin (IAM-authorized) operations in production mode.
//
// We do not re-derive the canonical request by hand: the expected signature is recomputed
// with @smithy/signature-v4, the signer the AWS SDK for JavaScript itself uses, fed with the
// request exactly as received (method, raw path and query, the headers the client listed in
// SignedHeaders, the body bytes, the client's X-Amz-Date). The two signatures are compared in
// constant time. Everything around that — parsing the Authorization header, the credential
// scope, the clock-skew window, the key lookup, the body hash — is checked here first so that
// each failure gets the error AWS front ends answer with, which the SDKs know how to read:
//
//   no Authorization header          MissingAuthenticationTokenException
//   malformed header / no X-Amz-Date IncompleteSignatureException
//   a signed header not sent         IncompleteSignatureException
//   host, content-type or an x-amz-* header left unsigned  InvalidSignatureException
//   unknown, revoked or temporary key UnrecognizedClientException
//   date outside ±5 minutes           InvalidSignatureException "Signature expired: …" (the SDKs
//                                     read the response Date header and correct their clock)
//   wrong scope (date/region/service) InvalidSignatureException "Credential should be scoped …"
//   body or headers altered, wrong secret  InvalidSignatureException "The request signature …"
import { createHash, createHmac, type Hash, type Hmac, timingSafeEqual } from "node:crypto";
import type { Clock } from "../ports/clock.js";
import type { ApiRequest, Authenticator } from "./dispatch.js";
import { fail } from "./errors.js";

export const SIGV4_ALGORITHM = "AWS4-HMAC-SHA256";
/** AWS accepts a request time up to 5 minutes away from its own clock. */
export const MAX_SKEW_MS = 5 * 60_000;

const MESSAGES = {
  missing: "Request is missing Authentication Token",
  invalidToken: "The security token included in the request is invalid.",
  mismatch:
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
  payloadHash: "The provided 'x-amz-content-sha256' header does not match what was computed.",
};

// Loaded on the first signed request: dev mode never verifies signatures, and loading the
// signer is a noticeable part of the server's start-up time.
let signerModule: Promise<typeof import("@smithy/signature-v4")> | null = null;

/** Looks up the secret of an access key; undefined when the key is unknown or revoked. */
export type SecretLookup = (accessKeyId: string) => Promise<string | undefined>;

export interface SigV4Options {
  region: string;
  /** The signing name, `cognito-idp`. */
  service: string;
  clock: Clock;
  secretFor: SecretLookup;
}

/** Node's SHA-256 (and HMAC-SHA256 when given a key) in the shape the Smithy signer takes. */
class NodeSha256 {
  readonly #secret: Buffer | undefined;
  #hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#secret = secret === undefined ? undefined : toBuffer(secret);
    this.#hash = this.#fresh();
  }
  #fresh(): Hash | Hmac {
    return this.#secret === undefined ? createHash("sha256") : createHmac("sha256", this.#secret);
  }
  update(data: Uint8Array): void {
    this.#hash.update(data);
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.#hash.digest()));
  }
  reset(): void {
    this.#hash = this.#fresh();
  }
}

function toBuffer(v: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof v === "string") return Buffer.from(v, "utf8");
  if (ArrayBuffer.isView(v)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return Buffer.from(new Uint8Array(v));
}

export interface ParsedAuthorization {
  accessKeyId: string;
  scopeDate: string;
  scopeRegion: string;
  scopeService: string;
  signedHeaders: string[];
  signature: string;
}

/** Parses `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`; throws IncompleteSignature. */
export function parseAuthorization(value: string): ParsedAuthorization {
  const text = value.trim();
  const space = text.indexOf(" ");
  const algorithm = space < 0 ? text : text.slice(0, space);
  if (algorithm !== SIGV4_ALGORITHM) {
    fail(
      "IncompleteSignatureException",
      `Unsupported AWS 'algorithm': '${algorithm.slice(0, 64)}'; only ${SIGV4_ALGORITHM} is accepted.`,
    );
  }
  const parts = new Map<string, string>();
  for (const piece of (space < 0 ? "" : text.slice(space + 1)).split(",")) {
    const eq = piece.indexOf("=");
    if (eq < 0) continue;
    parts.set(piece.slice(0, eq).trim(), piece.slice(eq + 1).trim());
  }
  const problems: string[] = [];
  for (const name of ["Credential", "Signature", "SignedHeaders"]) {
    if (!parts.get(name)) problems.push(`Authorization header requires '${name}' parameter.`);
  }
  if (problems.length > 0) fail("IncompleteSignatureException", problems.join(" "));
  const credential = (parts.get("Credential") ?? "").split("/");
  const [accessKeyId, scopeDate, scopeRegion, scopeService, terminator] = credential;
  if (
    credential.length !== 5 ||
    !accessKeyId ||
    !scopeDate ||
    !scopeRegion ||
    !scopeService ||
    terminator !== "aws4_request"
  ) {
    fail(
      "IncompleteSignatureException",
      "Authorization header's Credential must be <access key id>/<yyyyMMdd>/<region>/<service>/aws4_request.",
    );
  }
  const signedHeaders = (parts.get("SignedHeaders") ?? "").split(";").map((h) => h.trim().toLowerCase());
  return {
    accessKeyId,
    scopeDate,
    scopeRegion,
    scopeService,
    signedHeaders,
    signature: (parts.get("Signature") ?? "").toLowerCase(),
  };
}

/** `20260101T120000Z` → epoch ms, or null when it is not that exact form. */
export function parseAmzDate(v: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(v);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(t);
  // Reject dates that Date.UTC silently rolled over (month 13, 31 February, …).
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  return t;
}

export function formatAmzDate(t: number): string {
  return new Date(t)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
}

function single(h: string | string[] | undefined): string | undefined {
  return Array.isArray(h) ? h.join(",") : h;
}

function splitUrl(raw: string): { path: string; query: Record<string, string | string[]> } {
  const q = raw.indexOf("?");
  const path = (q < 0 ? raw : raw.slice(0, q)) || "/";
  const query: Record<string, string | string[]> = {};
  if (q >= 0) {
    for (const [k, v] of new URLSearchParams(raw.slice(q + 1))) {
      const prev = query[k];
      query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
  }
  return { path, query };
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * What the signature must cover. A signature over `host;x-amz-date` alone would let anyone who
 * sees the request change its operation (X-Amz-Target) or how its body is read (Content-Type)
 * and replay it within the skew window: the host, the content type and every x-amz-* header
 * sent must be signed (AWS's signing guide: "You must include the host header and any x-amz-*
 * headers in the signature"). A header named as signed but not sent makes the request
 * incomplete rather than merely unequal. The messages are those AWS front ends answer with.
 */
export function checkSignedHeaders(req: Pick<ApiRequest, "headers">, signedHeaders: readonly string[]): void {
  const signed = new Set(signedHeaders);
  if (!signed.has("host")) {
    fail(
      "InvalidSignatureException",
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    );
  }
  for (const name of signedHeaders) {
    if (req.headers[name] === undefined) {
      fail(
        "IncompleteSignatureException",
        `'${name.slice(0, 64)}' is named as a SignedHeader, but it does not exist in the HTTP request.`,
      );
    }
  }
  if (req.headers["content-type"] !== undefined && !signed.has("content-type")) {
    fail("InvalidSignatureException", "'Content-Type' must be a 'SignedHeader' in the AWS Authorization.");
  }
  for (const name of Object.keys(req.headers).sort()) {
    if (name.startsWith("x-amz-") && !signed.has(name)) {
      fail(
        "InvalidSignatureException",
        `'${name.slice(0, 64)}' must be a 'SignedHeader' in the AWS Authorization.`,
      );
    }
  }
}

/** Verifies SigV4 against the configured access keys; answers the caller's access key id. */
export class SigV4Verifier implements Authenticator {
  readonly #o: SigV4Options;

  constructor(options: SigV4Options) {
    this.#o = options;
  }

  async authenticate(req: ApiRequest): Promise<string> {
    const { region, service } = this.#o;
    const authorization = single(req.headers.authorization);
    if (authorization === undefined || authorization.trim() === "") {
      fail("MissingAuthenticationTokenException", MESSAGES.missing);
    }
    const auth = parseAuthorization(authorization);

    const amzDate = single(req.headers["x-amz-date"]);
    if (amzDate === undefined) {
      fail(
        "IncompleteSignatureException",
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header; Cognate needs 'X-Amz-Date'.",
      );
    }
    const signedAt = parseAmzDate(amzDate);
    if (signedAt === null) {
      fail(
        "IncompleteSignatureException",
        "X-Amz-Date must be in the basic ISO 8601 form yyyyMMdd'T'HHmmss'Z'.",
      );
    }
    checkSignedHeaders(req, auth.signedHeaders);

    // The clock-skew window. Both directions are refused; the message gives the server's
    // view of the time so the caller can see the skew (the SDKs use the Date header).
    const now = this.#o.clock.now();
    if (signedAt < now - MAX_SKEW_MS) {
      fail(
        "InvalidSignatureException",
        `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(now - MAX_SKEW_MS)} (${formatAmzDate(now)} - 5 min.)`,
      );
    }
    if (signedAt > now + MAX_SKEW_MS) {
      fail(
        "InvalidSignatureException",
        `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(now + MAX_SKEW_MS)} (${formatAmzDate(now)} + 5 min.)`,
      );
    }

    if (auth.scopeDate !== amzDate.slice(0, 8)) {
      fail(
        "InvalidSignatureException",
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.scopeDate.slice(0, 16)}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
      );
    }
    if (auth.scopeRegion !== region) {
      fail(
        "InvalidSignatureException",
        `Credential should be scoped to a valid region, not '${auth.scopeRegion.slice(0, 32)}'. This server's region is '${region}'.`,
      );
    }
    if (auth.scopeService !== service) {
      fail("InvalidSignatureException", `Credential should be scoped to correct service: '${service}'. `);
    }

    // Temporary credentials (session tokens) are never issued here, so none can be valid.
    if (req.headers["x-amz-security-token"] !== undefined) {
      fail("UnrecognizedClientException", MESSAGES.invalidToken);
    }
    const secret = auth.accessKeyId.length <= 128 ? await this.#o.secretFor(auth.accessKeyId) : undefined;
    if (secret === undefined) fail("UnrecognizedClientException", MESSAGES.invalidToken);

    // A signed payload hash must be the body's: otherwise a captured signature could carry
    // a different body.
    const declaredHash = single(req.headers["x-amz-content-sha256"]);
    if (declaredHash !== undefined) {
      const actual = createHash("sha256").update(req.body).digest("hex");
      if (!sameHex(declaredHash.toLowerCase(), actual))
        fail("InvalidSignatureException", MESSAGES.payloadHash);
    }

    const expected = await this.#expectedSignature(req, auth, secret, signedAt);
    if (!/^[0-9a-f]{64}$/.test(auth.signature) || !sameHex(auth.signature, expected)) {
      fail("InvalidSignatureException", MESSAGES.mismatch);
    }
    return auth.accessKeyId;
  }

  async #expectedSignature(
    req: ApiRequest,
    auth: ParsedAuthorization,
    secretAccessKey: string,
    signedAt: number,
  ): Promise<string> {
    const headers: Record<string, string> = {};
    for (const name of auth.signedHeaders) {
      const v = single(req.headers[name]);
      // Present: checkSignedHeaders refused a request without one of them.
      if (v !== undefined) headers[name] = v;
    }
    const { path, query } = splitUrl(req.rawUrl ?? req.path);
    signerModule ??= import("@smithy/signature-v4");
    const { SignatureV4 } = await signerModule;
    const signer = new SignatureV4({
      credentials: { accessKeyId: auth.accessKeyId, secretAccessKey },
      region: auth.scopeRegion,
      service: auth.scopeService,
      sha256: NodeSha256,
      // Never add a payload-hash header the client did not sign.
      applyChecksum: false,
      uriEscapePath: true,
    });
    const host = headers.host ?? "";
    const signed = await signer.sign(
      { method: req.method, protocol: "http:", hostname: host, path, query, headers, body: req.body },
      {
        signingDate: new Date(signedAt),
        // Sign exactly the headers the client listed, including ones the signer would
        // otherwise skip (user-agent, for instance, when a client chose to sign it).
        signableHeaders: new Set(auth.signedHeaders),
      },
    );
    const header = single(signed.headers.authorization) ?? "";
    return /Signature=([0-9a-f]{64})/.exec(header)?.[1] ?? "";
  }
}

/**
 * Wraps a secret lookup with a short cache, so an admin request costs no store read in the
 * common case while a revoked or new key takes effect on every node within `ttlMs`.
 */
export function cachedLookup(lookup: SecretLookup, ttlMs: number, clock: Clock, max = 1000): SecretLookup {
  const cache = new Map<string, { secret: string | undefined; until: number }>();
  return async (id) => {
    const now = clock.now();
    const hit = cache.get(id);
    if (hit && hit.until > now) return hit.secret;
    const secret = await lookup(id);
    if (cache.size >= max) cache.clear();
    cache.set(id, { secret, until: now + ttlMs });
    return secret;
  };
}
