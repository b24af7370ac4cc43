// Encrypting the one-time code for custom sender triggers as Cognito does: an AWS Encryption
// SDK message under the pool's LambdaConfig.KMSKeyID, base64-encoded, so that a function's
// `decrypt(keyring, code)` with @aws-crypto/client-node works unchanged.
//
// Format details follow a captured Cognito ciphertext (a CustomEmailSender_SignUp event in
// the logs of a public AWS SAM sample): a version-1 message with algorithm suite 0x0378
// (AES-256-GCM, HKDF-SHA384, ECDSA P-384 signature, no key commitment) and the encryption
// context {"userpool-id": <pool id>}, one data key wrapped by "aws-kms". A version-1 message
// is what the AWS example's REQUIRE_ENCRYPT_ALLOW_DECRYPT client accepts; a client set to
// REQUIRE_DECRYPT rejects Cognito's codes just the same.
//
// The KMS keyring reaches KMS at a configurable endpoint (a local KMS for development); a
// raw AES key configured for the KMSKeyID replaces KMS entirely, with the same message format.
import type { KeyringNode, KmsNodeClientSupplier } from "@aws-crypto/client-node";
import type { KMS } from "@aws-sdk/client-kms";
import type { AwsServiceConfig, RawAesKeyConfig } from "../../config/triggers.js";
import type { PoolRecord } from "../../ports/store/index.js";
import { arnRegion } from "./invoker.js";
import { awsClientConfig } from "./lambda.js";

// The Encryption SDK and the KMS client take about a second to load: only servers whose pools
// use custom senders pay for them, on the first code, not at start-up.
async function load() {
  const [esdk, kms] = await Promise.all([import("@aws-crypto/client-node"), import("@aws-sdk/client-kms")]);
  return {
    esdk,
    KMS: kms.KMS,
    encrypt: esdk.buildClient(esdk.CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT).encrypt,
  };
}
type Loaded = Awaited<ReturnType<typeof load>>;
let loading: Promise<Loaded> | null = null;

/** The pool cannot have codes encrypted (no KMSKeyID): retrying will not help. */
export class NoKeyError extends Error {
  override readonly name = "NoKeyError";
}

export const ENCRYPTION_CONTEXT_POOL_KEY = "userpool-id";

export class CodeCrypto {
  readonly #kms: AwsServiceConfig;
  readonly #rawKeys: Readonly<Record<string, RawAesKeyConfig>>;
  readonly #defaultRegion: string;
  readonly #keyrings = new Map<string, KeyringNode>();
  readonly #kmsClients = new Map<string, KMS>();

  constructor(kms: AwsServiceConfig, rawKeys: Record<string, RawAesKeyConfig>, defaultRegion: string) {
    this.#kms = kms;
    this.#rawKeys = rawKeys;
    this.#defaultRegion = defaultRegion;
  }

  #keyring(lib: Loaded, keyId: string): KeyringNode {
    let k = this.#keyrings.get(keyId);
    if (k) return k;
    const { RawAesKeyringNode, RawAesWrappingSuiteIdentifier, KmsKeyringNode } = lib.esdk;
    const raw = this.#rawKeys[keyId];
    if (raw) {
      const key = Buffer.from(raw.rawAesKeyBase64, "base64");
      const wrappingSuite =
        key.length === 16
          ? RawAesWrappingSuiteIdentifier.AES128_GCM_IV12_TAG16_NO_PADDING
          : key.length === 24
            ? RawAesWrappingSuiteIdentifier.AES192_GCM_IV12_TAG16_NO_PADDING
            : RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING;
      k = new RawAesKeyringNode({
        keyName: raw.keyName,
        keyNamespace: raw.keyNamespace,
        unencryptedMasterKey: new Uint8Array(key),
        wrappingSuite,
      });
    } else {
      const fallbackRegion = this.#kms.region ?? arnRegion(keyId) ?? this.#defaultRegion;
      // The keyring asks for a client for the region in the key ARN (none for an alias
      // name); ours carry the configured endpoint and credentials.
      const clientProvider = (region: string) => {
        const r = this.#kms.region ?? (region || fallbackRegion);
        let c = this.#kmsClients.get(r);
        if (!c) {
          c = new lib.KMS({ ...awsClientConfig(this.#kms, r), maxAttempts: 2 });
          this.#kmsClients.set(r, c);
        }
        return c;
      };
      // The SDK v3 KMS client is what the keyring calls; its declared interface predates
      // exactOptionalPropertyTypes (KeyId?: string vs string | undefined), hence the cast.
      k = new KmsKeyringNode({
        generatorKeyId: keyId,
        clientProvider: clientProvider as unknown as KmsNodeClientSupplier,
      });
    }
    this.#keyrings.set(keyId, k);
    return k;
  }

  /** The AWS Encryption SDK message for `code`, base64. */
  async encrypt(pool: PoolRecord, code: string): Promise<string> {
    const keyId = (pool.config.LambdaConfig as { KMSKeyID?: unknown } | undefined)?.KMSKeyID;
    if (typeof keyId !== "string" || keyId === "") {
      throw new NoKeyError(`pool ${pool.id} has a custom sender trigger but no LambdaConfig.KMSKeyID`);
    }
    loading ??= load();
    const lib = await loading;
    const { result } = await lib.encrypt(this.#keyring(lib, keyId), Buffer.from(code, "utf8"), {
      encryptionContext: { [ENCRYPTION_CONTEXT_POOL_KEY]: pool.id },
      suiteId: lib.esdk.AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384,
    });
    return result.toString("base64");
  }

  close(): void {
    for (const c of this.#kmsClients.values()) c.destroy();
    this.#kmsClients.clear();
    this.#keyrings.clear();
  }
}
