// Email and phone-number changes waiting for verification: in a pool whose
// UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate names the attribute,
// a new value does not replace the verified one until the user confirms it with the code
// sent to it (VerifyUserAttribute), or an administrator marks it verified. Until then the
// user keeps the old value: it is what GetUser, AdminGetUser, ListUsers and tokens show, and
// what signs in and receives messages (docs/recovery.md, "Changes that wait for verification").
// At most one pending value per user and attribute; it goes with its user.
import type { Username } from "../../domain/usernames.js";

export type VerifiableAttribute = "email" | "phone_number";

export interface PendingAttributeRecord {
  poolId: string;
  username: Username;
  name: VerifiableAttribute;
  value: string;
  createdAt: number;
}

export interface PendingAttributeReads {
  /** The user's pending values (none, one or two). */
  listForUser(poolId: string, username: Username): Promise<PendingAttributeRecord[]>;
}

export interface PendingAttributeRepo extends PendingAttributeReads {
  /** Makes `record` the pending value of its attribute, replacing any earlier one. */
  put(record: PendingAttributeRecord): Promise<void>;
  /** Forgets the pending value of the attribute (applied, replaced or given up). */
  delete(poolId: string, username: Username, name: VerifiableAttribute): Promise<void>;
}
