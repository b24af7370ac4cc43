// A sign-in request as the sign-in service sees it, whichever operation carried it
// (InitiateAuth, AdminInitiateAuth; RespondToAuthChallenge and its admin twin continue one).
import type { RequestContext } from "../../operations/define.js";
import type { ClientRecord, PoolRecord } from "../../ports/store/index.js";
import type { AuthFlowType, InitiateAuthResponse } from "../../protocol/generated/shapes.js";

export type SignInOperation = "InitiateAuth" | "AdminInitiateAuth";

export interface SignInRequest {
  operation: SignInOperation;
  clientId: string;
  /** AdminInitiateAuth's UserPoolId (the client must belong to it). */
  userPoolId?: string;
  authFlow: AuthFlowType;
  parameters: Record<string, string>;
  clientMetadata: Record<string, string> | undefined;
  /** What the caller said about the end user (UserContextData / ContextData), for auth events. */
  context: { ipAddress: string | null; encodedData: string | null; analyticsEndpointId: string | null };
}

/** A request whose app client and pool are known. */
export interface OpenedSignIn {
  request: SignInRequest;
  pool: PoolRecord;
  client: ClientRecord;
  /** PreventUserExistenceErrors ENABLED: unknown users look like wrong passwords. */
  protect: boolean;
  ctx: RequestContext;
}

/** What every flow answers: tokens, or a challenge (the next phase's flows). */
export type SignInResponse = InitiateAuthResponse;
