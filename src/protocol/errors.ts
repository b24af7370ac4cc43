// The error catalog: every error Cognate can answer with, keyed by its wire name.
//
// Modeled exceptions come from the service model (their fault decides the status);
// protocol-level errors are the ones the AWS front end produces before an operation runs.
import { MODEL_EXCEPTIONS } from "./generated/model.js";

export type ModeledErrorName = keyof typeof MODEL_EXCEPTIONS;

/** Errors produced by the protocol layer rather than by an operation. */
export const PROTOCOL_ERRORS = {
  SerializationException: 400,
  UnknownOperationException: 400,
  RequestEntityTooLargeException: 413,
  // SigV4 verification (production mode) answers with these, as AWS front ends do. Coral's
  // JSON services send all of them with 400 (a DynamoDB request without any Authorization
  // header gets "400 … MissingAuthenticationTokenException").
  MissingAuthenticationTokenException: 400,
  IncompleteSignatureException: 400,
  InvalidSignatureException: 400,
  UnrecognizedClientException: 400,
  SignatureDoesNotMatchException: 403,
  // The HTTP front's browser rules (src/http/access.ts): a Host or Origin dev mode does not
  // serve. AWS answers an authorization refusal with this name and status.
  AccessDeniedException: 403,
} as const;

export type ProtocolErrorName = keyof typeof PROTOCOL_ERRORS;
export type WireErrorName = ModeledErrorName | ProtocolErrorName;

function isProtocolError(name: WireErrorName): name is ProtocolErrorName {
  return Object.hasOwn(PROTOCOL_ERRORS, name);
}

/**
 * HTTP status per error. Real Cognito answers client faults with 400 even where the Smithy
 * model hints otherwise (NotAuthorizedException is observed as 400, not 403; see
 * docs/behaviour.md "Error responses"); server faults are 500.
 */
export function statusOf(name: WireErrorName): number {
  if (isProtocolError(name)) return PROTOCOL_ERRORS[name];
  if (MODEL_EXCEPTIONS[name] === "server") return 500;
  if (name === "ForbiddenException") return 403;
  return 400;
}

/** An error with a wire name, as returned to the caller. */
export class ServiceError extends Error {
  readonly type: WireErrorName;
  /** Extra modeled members (e.g. InvalidParameterException.reasonCode). */
  readonly extra: Readonly<Record<string, string>> | undefined;

  constructor(type: WireErrorName, message: string, extra?: Record<string, string>) {
    super(message);
    this.name = type;
    this.type = type;
    this.extra = extra;
  }

  get status(): number {
    return statusOf(this.type);
  }
}

export function fail(type: WireErrorName, message: string, extra?: Record<string, string>): never {
  throw new ServiceError(type, message, extra);
}

// Messages Cognito is observed to send (docs/behaviour.md), shared by several operations.
export const messages = {
  clientNotFound: (clientId: string) => `User pool client ${clientId} does not exist.`,
  poolNotFound: (poolId: string) => `User pool ${poolId} does not exist.`,
  secretMissing: (clientId: string) =>
    `Client ${clientId} is configured for secret but secret was not received`,
  secretWrong: (clientId: string) => `Unable to verify secret hash for client ${clientId}`,
  userNotFoundForClient: "Username/client id combination not found.",
  userNotFound: "User does not exist.",
  userDisabled: "User is disabled.",
  alreadyConfirmed: "User is already confirmed.",
  cannotConfirm: (status: string) => `User cannot be confirmed. Current status is ${status}`,
  noAutoVerification: "Cannot resend codes. Auto verification not turned on.",
  attemptLimit: "Attempt limit exceeded, please try after some time.",
  codeMismatch: "Invalid verification code provided, please try again.",
  codeExpired: "Invalid code provided, please request a code again.",
  tooManyRequests: "Too many requests",
  internal: "Internal server error.",
} as const;
