// Failed sign-in attempts per user, for the lock-out (src/domain/passwordSignIn.ts): kept in
// the store so that every node counts the same failures. A row exists only while a user has
// failures counted; it goes with its user.
import type { Username } from "../../domain/usernames.js";

export interface SignInFailures {
  /** Failed attempts counted so far. */
  failures: number;
  /** Epoch ms of the last counted failure. */
  lastFailureAt: number;
}

export interface SignInFailureReads {
  get(poolId: string, username: Username): Promise<SignInFailures | undefined>;
}

export interface SignInFailureRepo extends SignInFailureReads {
  /**
   * Replaces the user's count. Read and write it in one transaction that has locked the user
   * (`users.getForUpdate`), so concurrent failures on several nodes are all counted.
   */
  put(poolId: string, username: Username, state: SignInFailures): Promise<void>;
  /** Forgets the user's count (a successful sign-in). */
  clear(poolId: string, username: Username): Promise<void>;
}
