// Auth events: what happened to a user, newest first (AdminListUserAuthEvents reads them).

export interface AuthEventRecord {
  id: string;
  poolId: string;
  username: string;
  clientId: string | null;
  eventType: string;
  createdAt: number;
  ipAddress: string | null;
  encodedData: string | null;
  analyticsEndpointId: string | null;
  userAgent: string | null;
  /** How a sign-in attempt ended (AuthEventType.EventResponse); absent for other events. */
  eventResponse?: "Pass" | "Fail" | "InProgress";
}

export interface AuthEventReads {
  listForUser(poolId: string, username: string, limit: number): Promise<AuthEventRecord[]>;
}

export interface AuthEventRepo extends AuthEventReads {
  add(event: AuthEventRecord): Promise<void>;
}
