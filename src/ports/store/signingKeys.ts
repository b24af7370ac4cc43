// Token signing keys: per pool, one series of RSA key pairs for ID tokens and one for access
// tokens (docs/signin.md, "Tokens"). A series is numbered by `generation`; the newest key of a
// series that is not retired signs, and every key whose tokens may still be alive is listed in
// the pool's JWKS.
import type { KeyUse, RsaPublicJwk } from "../../domain/tokens/keys.js";

export interface StoredSigningKey {
  poolId: string;
  kid: string;
  use: KeyUse;
  /** 1 for the pool's first key of this use; a rotation adds the next number. */
  generation: number;
  publicJwk: RsaPublicJwk;
  /** PKCS#8 PEM, in plain here: sealed at rest by the store adapter. */
  privatePkcs8: string;
  createdAt: number;
  /** When it stopped signing (a newer key took over), or null while it signs. */
  retiredAt: number | null;
}

export interface SigningKeyReads {
  /** Every key of the pool, retired ones included, by use then generation. */
  listForPool(poolId: string): Promise<StoredSigningKey[]>;
}

export interface SigningKeyRepo extends SigningKeyReads {
  /**
   * Atomic: stores the key unless the pool already has a key of this use and generation;
   * false when it has (another node won the race: read the pool's keys again).
   */
  insertIfAbsent(key: StoredSigningKey): Promise<boolean>;
  /** Marks the key retired at `at`; false when there is no such key or it is retired already. */
  retire(poolId: string, kid: string, at: number): Promise<boolean>;
}
