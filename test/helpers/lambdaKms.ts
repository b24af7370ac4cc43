// AWS KMS on loopback, for the custom sender's KMS keyring: the three operations the AWS
// Encryption SDK's KMS keyring calls (GenerateDataKey, Encrypt, Decrypt) over AWS JSON 1.1
// (`X-Amz-Target: TrentService.<Operation>`), as the real @aws-sdk/client-kms sends them.
// Data keys are wrapped with AES-GCM under a per-key secret, the encryption context bound as
// additional data, so a wrong context fails to decrypt as it does in KMS.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeKms {
  url: string;
  calls: {
    operation: string;
    keyId: string | undefined;
    encryptionContext: Record<string, string> | undefined;
  }[];
  close(): Promise<void>;
}

function aad(ctx: Record<string, string> | undefined): Buffer {
  const entries = Object.entries(ctx ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.from(JSON.stringify(entries));
}

export async function startFakeKms(keyArns: string[]): Promise<FakeKms> {
  const secrets = new Map(keyArns.map((arn) => [arn, randomBytes(32)]));
  const calls: FakeKms["calls"] = [];

  const wrap = (arn: string, secret: Buffer, plaintext: Buffer, ctx: Record<string, string> | undefined) => {
    const iv = randomBytes(12);
    const c = createCipheriv("aes-256-gcm", secret, iv);
    c.setAAD(aad(ctx));
    const body = Buffer.concat([c.update(plaintext), c.final()]);
    const id = Buffer.from(arn);
    return Buffer.concat([Buffer.from([id.length]), id, iv, c.getAuthTag(), body]);
  };

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const input = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>;
    const operation = String(req.headers["x-amz-target"] ?? "").replace(/^TrentService\./, "");
    const ctx = input.EncryptionContext as Record<string, string> | undefined;
    calls.push({ operation, keyId: input.KeyId as string | undefined, encryptionContext: ctx });
    const reply = (status: number, body: unknown, type?: string) => {
      res.writeHead(status, {
        "content-type": "application/x-amz-json-1.1",
        ...(type ? { "x-amzn-errortype": type } : {}),
      });
      res.end(JSON.stringify(type ? { __type: type, message: String(body) } : body));
    };
    if (!String(req.headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256 ")) {
      return reply(400, "Missing Authentication Token", "MissingAuthenticationTokenException");
    }
    try {
      if (operation === "GenerateDataKey" || operation === "Encrypt") {
        const arn = String(input.KeyId);
        const secret = secrets.get(arn);
        if (!secret) return reply(400, `Key '${arn}' does not exist`, "NotFoundException");
        const plaintext =
          operation === "Encrypt"
            ? Buffer.from(String(input.Plaintext), "base64")
            : randomBytes(Number(input.NumberOfBytes ?? 32));
        const blob = wrap(arn, secret, plaintext, ctx).toString("base64");
        const out: Record<string, unknown> = {
          KeyId: arn,
          CiphertextBlob: blob,
          EncryptionAlgorithm: "SYMMETRIC_DEFAULT",
        };
        if (operation === "GenerateDataKey") out.Plaintext = plaintext.toString("base64");
        return reply(200, out);
      }
      if (operation === "Decrypt") {
        const blob = Buffer.from(String(input.CiphertextBlob), "base64");
        const idLen = blob[0] ?? 0;
        const arn = blob.subarray(1, 1 + idLen).toString();
        const secret = secrets.get(arn);
        if (!secret) return reply(400, "Unable to find the key", "InvalidCiphertextException");
        const start = 1 + idLen;
        const iv = blob.subarray(start, start + 12);
        const tag = blob.subarray(start + 12, start + 28);
        const d = createDecipheriv("aes-256-gcm", secret, iv);
        d.setAAD(aad(ctx));
        d.setAuthTag(tag);
        const plaintext = Buffer.concat([d.update(blob.subarray(start + 28)), d.final()]);
        return reply(200, {
          KeyId: arn,
          Plaintext: plaintext.toString("base64"),
          EncryptionAlgorithm: "SYMMETRIC_DEFAULT",
        });
      }
      return reply(400, `Unsupported operation ${operation}`, "UnknownOperationException");
    } catch {
      return reply(400, "", "InvalidCiphertextException");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
