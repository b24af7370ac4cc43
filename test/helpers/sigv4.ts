// Signed calls for production-mode tests: the AWS SDK's own signer (@smithy/signature-v4,
// what SDK v3 signs every admin call with) for hand-made requests, SDK clients with real keys,
// and a clean environment for boto3 and the aws CLI.
import { createHash, createHmac } from "node:crypto";
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { SignatureV4 } from "@smithy/signature-v4";

export interface AccessKey {
  accessKeyId: string;
  secretAccessKey: string;
}

/** Node's SHA-256 / HMAC-SHA256 in the constructor shape the signer takes. */
class Sha256 {
  readonly #parts: Uint8Array[] = [];
  constructor(private readonly secret?: string | ArrayBuffer | ArrayBufferView) {}
  update(d: Uint8Array): void {
    this.#parts.push(d);
  }
  async digest(): Promise<Uint8Array> {
    const data = Buffer.concat(this.#parts);
    if (this.secret === undefined) return new Uint8Array(createHash("sha256").update(data).digest());
    const key =
      typeof this.secret === "string"
        ? Buffer.from(this.secret)
        : ArrayBuffer.isView(this.secret)
          ? Buffer.from(this.secret.buffer, this.secret.byteOffset, this.secret.byteLength)
          : Buffer.from(new Uint8Array(this.secret));
    return new Uint8Array(createHmac("sha256", key).update(data).digest());
  }
  reset(): void {
    this.#parts.length = 0;
  }
}

export function signedSdk(
  url: string,
  key: AccessKey,
  opts: { region?: string; maxAttempts?: number; systemClockOffset?: number } = {},
): CognitoIdentityProviderClient {
  const client = new CognitoIdentityProviderClient({
    endpoint: url,
    region: opts.region ?? "us-east-1",
    // A copy: the SDK tags the object it is given.
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
    maxAttempts: opts.maxAttempts ?? 1,
  });
  if (opts.systemClockOffset !== undefined) client.config.systemClockOffset = opts.systemClockOffset;
  return client;
}

/** Signs an AWS JSON 1.1 call with the SDK's signer; returns the headers to send. */
export async function signCall(
  url: string,
  key: AccessKey,
  operation: string,
  body: string,
  opts: {
    region?: string;
    service?: string;
    date?: Date;
    extraHeaders?: Record<string, string>;
    /** Add x-amz-content-sha256 (the signer's default); false signs like botocore. */
    applyChecksum?: boolean;
    /** Headers sent but left out of SignedHeaders (a client that signs too little). */
    unsigned?: string[];
  } = {},
): Promise<Record<string, string>> {
  const u = new URL(url);
  const signer = new SignatureV4({
    credentials: key,
    region: opts.region ?? "us-east-1",
    service: opts.service ?? "cognito-idp",
    sha256: Sha256,
    applyChecksum: opts.applyChecksum ?? true,
  });
  const signed = await signer.sign(
    {
      method: "POST",
      protocol: u.protocol,
      hostname: u.hostname,
      port: Number(u.port),
      path: "/",
      query: {},
      headers: {
        host: u.host,
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": `AWSCognitoIdentityProviderService.${operation}`,
        ...opts.extraHeaders,
      },
      body,
    },
    {
      ...(opts.date ? { signingDate: opts.date } : {}),
      ...(opts.unsigned ? { unsignableHeaders: new Set(opts.unsigned) } : {}),
    },
  );
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) if (typeof v === "string") out[k] = v;
  return out;
}

/** Sends a body with the given headers; the parsed JSON answer. */
export async function send(
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const h = { ...headers };
  delete h.host;
  const r = await fetch(`${url}/`, { method: "POST", headers: h, body });
  return { status: r.status, json: (await r.json()) as Record<string, unknown>, headers: r.headers };
}

/** A clean environment for python/aws with these keys: nothing from the machine leaks in. */
export function awsEnv(key: AccessKey, region = "us-east-1"): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    AWS_ACCESS_KEY_ID: key.accessKeyId,
    AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
    AWS_DEFAULT_REGION: region,
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_PAGER: "",
    AWS_MAX_ATTEMPTS: "1",
  };
}
