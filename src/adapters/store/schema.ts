// Table types for Kysely (the tables themselves are made by migrations/). Times are epoch
// milliseconds in BIGINT columns; booleans are INTEGER 0/1; JSON documents are TEXT.
import type { Generated } from "kysely";

export interface MetaTable {
  key: string;
  value: string;
}
export interface UserPoolsTable {
  id: string;
  name: string;
  config: string;
  creation_date: number;
  last_modified_date: number;
}
export interface ClientsTable {
  client_id: string;
  pool_id: string;
  client_name: string;
  secret: string | null;
  config: string;
  creation_date: number;
  last_modified_date: number;
}
export interface UsersTable {
  pool_id: string;
  username: string;
  username_key: string;
  sub: string;
  status: string;
  enabled: number;
  attributes: string;
  password_hash: string | null;
  created_at: number;
  updated_at: number;
  /** SRP salt and verifier, hex (migration 0005); NULL until a password is set after it. */
  srp_salt: string | null;
  srp_verifier: string | null;
  password_changed_at: number | null;
  /** The user's MFA settings, JSON (migration 0010); NULL when never set. */
  mfa: string | null;
}
export interface AliasesTable {
  pool_id: string;
  kind: string;
  value_key: string;
  username: string;
}
export interface CodesTable {
  pool_id: string;
  username: string;
  purpose: string;
  code_hmac: string;
  /** Superseded HMACs, newest first, comma-separated (repos/codes.ts). */
  previous: string;
  attribute_name: string;
  issued_at: number;
  expires_at: number;
  failed_attempts: number;
  consumed_at: number | null;
}
export interface LimitsTable {
  key: string;
  window_end: number;
  count: number;
}
export interface OutboxTable {
  seq: Generated<number>;
  id: string;
  pool_id: string;
  client_id: string | null;
  username: string;
  medium: string;
  attribute_name: string;
  destination: string;
  subject: string | null;
  body: string;
  code: string | null;
  trigger_source: string;
  created_at: number;
  status: string;
  transport: string;
  attempts: number;
  last_error: string | null;
  next_attempt_at: number;
  sent_at: number | null;
  claimed_by: string | null;
  claimed_until: number | null;
}
export interface AuthEventsTable {
  id: string;
  pool_id: string;
  username: string;
  client_id: string | null;
  event_type: string;
  created_at: number;
  ip_address: string | null;
  encoded_data: string | null;
  analytics_endpoint_id: string | null;
  user_agent: string | null;
  /** Pass / Fail / InProgress (migration 0006); NULL for earlier rows. */
  event_response: string | null;
  /** The sign-in steps recorded, a JSON array (migration 0012); NULL when none. */
  challenge_responses: string | null;
  /** AdminUpdateAuthEventFeedback (migration 0008). */
  feedback_value: string | null;
  feedback_provider: string | null;
  feedback_date: number | null;
}

/** A pool's groups (migration 0008). */
export interface UserGroupsTable {
  pool_id: string;
  name: string;
  description: string | null;
  role_arn: string | null;
  precedence: number | null;
  created_at: number;
  updated_at: number;
}

/** Who is in which group (migration 0008). */
export interface GroupMembersTable {
  pool_id: string;
  group_name: string;
  username: string;
  created_at: number;
}

/** Email and phone-number changes waiting for verification (migration 0009). */
export interface PendingAttributesTable {
  pool_id: string;
  username: string;
  name: string;
  value: string;
  created_at: number;
}

/** SigV4 access keys for the admin operations in production mode (migration 0002). */
export interface AccessKeysTable {
  access_key_id: string;
  /** The secret, sealed with the server secret: SigV4 needs it in plain to recompute. */
  secret: string;
  description: string | null;
  created_at: number;
  revoked_at: number | null;
}

/** Token signing keys (migration 0006). */
export interface SigningKeysTable {
  pool_id: string;
  kid: string;
  /** "id" or "access". */
  use: string;
  generation: number;
  /** The public key as JSON {kty, n, e}. */
  public_jwk: string;
  /** PKCS#8 PEM, sealed with the server secret (secretBox.ts), bound to pool and kid. */
  private_key: string;
  created_at: number;
  retired_at: number | null;
}

/** One row per refresh token (migration 0006). */
export interface RefreshTokensTable {
  id: string;
  pool_id: string;
  client_id: string;
  username: string;
  origin_jti: string;
  event_id: string;
  auth_time: number;
  device_key: string | null;
  issued_at: number;
  expires_at: number;
  revoked_at: number | null;
  rotated_at: number | null;
}

/** Failed sign-in attempts counted per user, for the lock-out (migration 0007). */
export interface SignInFailuresTable {
  pool_id: string;
  username: string;
  failures: number;
  last_failure_at: number;
}

/** Users' devices (migration 0011). */
export interface DevicesTable {
  pool_id: string;
  device_key: string;
  username: string;
  group_key: string;
  srp_salt: string | null;
  srp_verifier: string | null;
  name: string | null;
  status: string;
  created_at: number;
  modified_at: number;
  last_authenticated_at: number | null;
  last_ip: string | null;
}

/** The passwords users have had, as SRP salt and verifier (migration 0014). */
export interface PasswordHistoryTable {
  pool_id: string;
  username: string;
  seq: number;
  srp_salt: string;
  srp_verifier: string;
  set_at: number;
}

export interface DB {
  meta: MetaTable;
  user_pools: UserPoolsTable;
  user_pool_clients: ClientsTable;
  users: UsersTable;
  aliases: AliasesTable;
  codes: CodesTable;
  limits: LimitsTable;
  outbox: OutboxTable;
  auth_events: AuthEventsTable;
  access_keys: AccessKeysTable;
  pending_attributes: PendingAttributesTable;
  signing_keys: SigningKeysTable;
  refresh_tokens: RefreshTokensTable;
  user_groups: UserGroupsTable;
  group_members: GroupMembersTable;
  sign_in_failures: SignInFailuresTable;
  devices: DevicesTable;
  password_history: PasswordHistoryTable;
}

export type Engine = "sqlite" | "postgres";
