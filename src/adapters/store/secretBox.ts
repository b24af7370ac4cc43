// App-client secrets, access-key secrets and token signing keys must be readable again
// (DescribeUserPoolClient returns them, the SecretHash and SigV4 checks need the key, tokens
// are signed with the private key), so they cannot be hashed: they are sealed at rest with
// AES-256-GCM under a key derived from the server secret. Everything sealed goes through a
// box, so `cognate secret rotate` can re-seal all of it (serverSecret.ts). A value may be
// bound to a context (authenticated, not stored: a signing key to its pool and kid), so that
// a sealed value copied onto another row does not open there.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";

export interface Sealer {
  seal(plain: string, context?: string): string;
  open(sealed: string, context?: string): string;
}

/** For a store opened without the server secret (`cognate messages`): sealed values stay shut. */
export const noSecret: Sealer = {
  seal() {
    throw new Error("this store was opened without the server secret");
  },
  open() {
    throw new Error("this store was opened without the server secret");
  },
};

export class SecretBox implements Sealer {
  readonly #key: Buffer;
  constructor(serverSecret: Buffer) {
    this.#key = createHmac("sha256", serverSecret).update("cognate client-secret sealing key v1").digest();
  }
  seal(plain: string, context?: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv("aes-256-gcm", this.#key, iv);
    if (context !== undefined) c.setAAD(Buffer.from(context, "utf8"));
    const ct = Buffer.concat([c.update(plain, "utf8"), c.final()]);
    return `v1:${iv.toString("base64url")}:${c.getAuthTag().toString("base64url")}:${ct.toString("base64url")}`;
  }
  open(sealed: string, context?: string): string {
    const [v, iv, tag, ct] = sealed.split(":");
    if (v !== "v1" || !iv || !tag || ct === undefined) throw new Error("unrecognised sealed secret");
    const d = createDecipheriv("aes-256-gcm", this.#key, Buffer.from(iv, "base64url"));
    if (context !== undefined) d.setAAD(Buffer.from(context, "utf8"));
    d.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([d.update(Buffer.from(ct, "base64url")), d.final()]).toString("utf8");
  }
}
