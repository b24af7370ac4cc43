// The `triggers` section of the server configuration (README "Lambda triggers"): how each
// Lambda function named in a pool's LambdaConfig is reached, how long it may take, and which
// keys encrypt the codes handed to custom sender triggers.
import { z } from "zod";
import { REGION } from "./patterns.js";

/**
 * Where a function runs:
 * - `lambda`: the AWS Lambda Invoke API (real AWS, or an emulator at `triggers.lambda.endpoint`);
 * - `http://…` / `https://…`: POST the event as JSON, read the returned event (HMAC-signed);
 * - `module:./file.mjs#export`: a JavaScript module loaded into this process (dev); the
 *   export defaults to `handler`.
 */
const TARGET = /^(lambda|https?:\/\/\S+|module:[^#]+(#[A-Za-z_$][\w$]*)?)$/;
const target = z.string().regex(TARGET, 'must be "lambda", an http(s):// URL, or "module:<path>[#export]"');

const functionSpec = z.union([
  target,
  z
    .object({
      target,
      /** Secret for the request signature of an http(s) target (overrides triggers.http.hmacSecret). */
      hmacSecret: z.string().min(16, "must be at least 16 characters").optional(),
      /** Per-function answer deadline (ms) for synchronous triggers. */
      timeoutMs: z.number().int().min(1).max(900_000).optional(),
    })
    .strict(),
]);

const awsService = z
  .object({
    /** Endpoint URL (a local emulator, a VPC endpoint); default: the SDK's for the region. */
    endpoint: z.string().url().optional(),
    /** Default: the region in the function or key ARN, else the server's region. */
    region: z.string().regex(REGION, "must be an AWS region such as us-east-1").optional(),
    /** Static credentials; default: the AWS SDK's credential chain (environment, profile, role). */
    accessKeyId: z.string().min(1).optional(),
    secretAccessKey: z.string().min(1).optional(),
    sessionToken: z.string().min(1).optional(),
  })
  .strict()
  .refine((v) => (v.accessKeyId === undefined) === (v.secretAccessKey === undefined), {
    message: "accessKeyId and secretAccessKey go together",
  });

/** A local AES key standing in for a KMS key (dev): codes are wrapped with a raw AES keyring. */
const rawAesKey = z
  .object({
    /** 16, 24 or 32 random bytes, base64. */
    rawAesKeyBase64: z.string().refine((s) => [16, 24, 32].includes(Buffer.from(s, "base64").length), {
      message: "must be 16, 24 or 32 bytes, base64-encoded",
    }),
    /** Key name and namespace as the decrypting keyring must name them. */
    keyName: z.string().min(1),
    keyNamespace: z.string().min(1),
  })
  .strict();

export const triggersSection = z
  .object({
    /** Function ARN (or `*` for any other) → where it runs. ARNs with no entry use `lambda`. */
    functions: z.record(z.string().min(1), functionSpec).default({}),
    /** How long a synchronous trigger may take to answer (Cognito: 5 seconds). */
    timeoutMs: z.number().int().min(1).max(900_000).default(5000),
    /** Attempts for a synchronous trigger that times out or cannot be reached (Cognito: 3). */
    attempts: z.number().int().min(1).max(10).default(3),
    /** Deadline for one custom sender invocation (they run from the outbox, not in a request). */
    senderTimeoutMs: z.number().int().min(1).max(900_000).default(30_000),
    /** Folder that relative module paths resolve against; default: the config file's folder, else the working directory. */
    baseDir: z.string().min(1).optional(),
    http: z
      .object({
        /** Default secret for the request signature of http(s) targets. */
        hmacSecret: z.string().min(16, "must be at least 16 characters").optional(),
      })
      .strict()
      .default({}),
    lambda: awsService.default({}),
    /** The KMS endpoint used to encrypt custom sender codes under the pool's KMSKeyID. */
    kms: awsService.default({}),
    /** KMSKeyID (as in LambdaConfig) → a local AES key used instead of KMS for it. */
    customSenderKeys: z.record(z.string().min(1), rawAesKey).default({}),
  })
  .strict()
  .superRefine((v, ctx) => {
    // Every http(s) target signs its requests, so it needs a secret from somewhere.
    for (const [arn, spec] of Object.entries(v.functions)) {
      const t = typeof spec === "string" ? spec : spec.target;
      const own = typeof spec === "string" ? undefined : spec.hmacSecret;
      if (/^https?:/.test(t) && own === undefined && v.http.hmacSecret === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["functions", arn],
          message: "an http(s) target needs hmacSecret (here or in triggers.http.hmacSecret)",
        });
      }
    }
  });

export type TriggersConfig = z.infer<typeof triggersSection>;
export type AwsServiceConfig = z.infer<typeof awsService>;
export type RawAesKeyConfig = z.infer<typeof rawAesKey>;
