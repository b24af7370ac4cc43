// The passwords a user has had, for the pool's PasswordHistorySize (docs/admin-users.md,
// "Password history"). Never the password: each entry is the SRP salt and verifier made when
// it was set (src/domain/credentials.ts), so checking a candidate costs one exponentiation.
// Entries go with their user.
import type { StoredVerifier } from "../../domain/srp/verifier.js";
import type { Username } from "../../domain/usernames.js";

export interface PasswordHistoryEntry {
  srp: StoredVerifier;
  /** When the password was set (epoch ms). */
  setAt: number;
}

export interface PasswordHistoryReads {
  /** The user's remembered passwords, newest first, at most `limit` of them. */
  list(poolId: string, username: Username, limit: number): Promise<PasswordHistoryEntry[]>;
}

export interface PasswordHistoryRepo extends PasswordHistoryReads {
  /**
   * Remembers a password just set (newest of the user's entries) and forgets all but the
   * newest `keep` (0: forgets them all, this one included). Call it in the transaction that
   * sets the password, after locking the user (`users.getForUpdate`), so that concurrent
   * changes are ordered.
   */
  remember(poolId: string, username: Username, entry: PasswordHistoryEntry, keep: number): Promise<void>;
}
