// A sign-in request as the sign-in service sees it, whichever operation carried it
// (InitiateAuth, AdminInitiateAuth; RespondToAuthChallenge and its admin twin continue one).
import type { RequestContext } from "../../operations/define.js";
import type { ClientRecord, PoolRecord } from "../../ports/store/index.js";
import type {
  AuthFlowType,
  ChallengeNameType,
  InitiateAuthResponse,
} from "../../protocol/generated/shapes.js";

export type SignInOperation = "InitiateAuth" | "AdminInitiateAuth";
export type RespondOperation = "RespondToAuthChallenge" | "AdminRespondToAuthChallenge";

/** What every sign-in request carries, whichever step of the sign-in it is. */
interface BaseRequest {
  clientId: string;
  /** The Admin operations' UserPoolId (the client must belong to it). */
  userPoolId?: string;
  /** AuthParameters, or ChallengeResponses. */
  parameters: Record<string, string>;
  clientMetadata: Record<string, string> | undefined;
  /** What the caller said about the end user (UserContextData / ContextData), for auth events. */
  context: { ipAddress: string | null; encodedData: string | null; analyticsEndpointId: string | null };
}

export interface SignInRequest extends BaseRequest {
  operation: SignInOperation;
  authFlow: AuthFlowType;
}

export interface RespondRequest extends BaseRequest {
  operation: RespondOperation;
  challengeName: ChallengeNameType;
  session: string | undefined;
}

export type AnyRequest = SignInRequest | RespondRequest;

/** A request whose app client and pool are known. */
export interface Opened<R extends AnyRequest = AnyRequest> {
  request: R;
  pool: PoolRecord;
  client: ClientRecord;
  /** PreventUserExistenceErrors ENABLED: unknown users look like wrong passwords. */
  protect: boolean;
  ctx: RequestContext;
}

export type OpenedSignIn = Opened<SignInRequest>;
export type OpenedRespond = Opened<RespondRequest>;

/** Whether the request came through an Admin operation (SigV4, a trusted back end). */
export function isAdmin(s: Opened): boolean {
  return s.request.operation === "AdminInitiateAuth" || s.request.operation === "AdminRespondToAuthChallenge";
}

/** What every step answers: tokens, or a challenge. */
export type SignInResponse = InitiateAuthResponse;

/**
 * AuthParameters / ChallengeResponses without the members sent as null (the validator lets
 * them through for these two maps: identity-js sends `DEVICE_KEY: null`); a null is absent.
 */
export function presentParameters(map: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map ?? {})) {
    if (typeof v === "string") out[k] = v;
  }
  return out;
}
