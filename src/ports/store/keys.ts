// SigV4 access keys that may call the admin operations in production mode.

export interface AccessKeyRecord {
  accessKeyId: string;
  /** The secret access key in plain: sealed at rest by the store adapter. */
  secretAccessKey: string;
  description: string | null;
  createdAt: number;
  revokedAt: number | null;
}

export interface AccessKeyReads {
  /** The key whatever its state (revoked keys included); callers check `revokedAt`. */
  get(accessKeyId: string): Promise<AccessKeyRecord | undefined>;
  /** Every key, oldest first. */
  list(): Promise<AccessKeyRecord[]>;
}

export interface AccessKeyRepo extends AccessKeyReads {
  create(key: AccessKeyRecord): Promise<void>;
  /** Marks the key revoked; false when there is no such key or it is revoked already. */
  revoke(accessKeyId: string, now: number): Promise<boolean>;
}
