// Auth events: what happened to a user, newest first (AdminListUserAuthEvents reads them).

/** What an administrator said about an event (AdminUpdateAuthEventFeedback). */
export interface AuthEventFeedback {
  value: "Valid" | "Invalid";
  provider: string;
  date: number;
}

/** One step of a sign-in and how it went (AuthEventType.ChallengeResponses). */
export interface ChallengeStep {
  name: "Password" | "Mfa";
  response: "Success" | "Failure";
}

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
  /** The steps of the sign-in so far (MFA sign-ins record them); absent when none are recorded. */
  challengeResponses?: ChallengeStep[];
  /** Set by AdminUpdateAuthEventFeedback; absent until then. */
  feedback?: AuthEventFeedback;
}

/** Where a page of events resumes: after this event, in newest-first order. */
export interface AuthEventCursor {
  createdAt: number;
  id: string;
}

export interface AuthEventReads {
  listForUser(poolId: string, username: string, limit: number): Promise<AuthEventRecord[]>;
  /**
   * The user's events of the given types created at or after `since`, newest first (by time,
   * then id), starting after `before` when given.
   */
  pageForUser(
    poolId: string,
    username: string,
    q: { types: readonly string[]; since: number; before: AuthEventCursor | null; limit: number },
  ): Promise<AuthEventRecord[]>;
  /** One event of the user, by id. */
  get(poolId: string, username: string, id: string): Promise<AuthEventRecord | undefined>;
}

export interface AuthEventRepo extends AuthEventReads {
  add(event: AuthEventRecord): Promise<void>;
  /** Records feedback on the user's event; false when there is no such event. */
  setFeedback(poolId: string, username: string, id: string, feedback: AuthEventFeedback): Promise<boolean>;
}
