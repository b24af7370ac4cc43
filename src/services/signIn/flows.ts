// Which AuthFlow an operation and a client accept, with Cognito's exact refusals
// (docs/signin.md, "Flows"), and the dispatch of a request to its flow.

import type { ClientRecord } from "../../ports/store/index.js";
import { fail } from "../../protocol/errors.js";
import type { AuthFlowType } from "../../protocol/generated/shapes.js";
import type { SignInOperation } from "./request.js";

export const FLOW_MESSAGES = {
  wrongOperation: "Initiate Auth method not supported.",
  userPassword: "USER_PASSWORD_AUTH flow not enabled for this client",
  adminPassword: "Auth flow not enabled for this client",
  srp: "USER_SRP_AUTH is not enabled for the client.",
  custom: "CUSTOM_AUTH is not enabled for the client.",
  userAuth: "USER_AUTH is not enabled for the client.",
} as const;

/** Flows only AdminInitiateAuth takes, and flows only InitiateAuth takes. */
const ADMIN_ONLY = new Set<AuthFlowType>(["ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"]);
const PUBLIC_ONLY = new Set<AuthFlowType>(["USER_PASSWORD_AUTH"]);

/**
 * Refuses a flow the operation does not take (InvalidParameterException "Initiate Auth method
 * not supported.") or the client's ExplicitAuthFlows do not enable (the flow's own message).
 * Legacy values (USER_PASSWORD_AUTH, ADMIN_NO_SRP_AUTH, CUSTOM_AUTH_FLOW_ONLY) enable what their
 * ALLOW_ counterparts do; a client with no ALLOW_ value at all is a legacy client, which may
 * always use SRP unless it is custom-only. Refreshing is always allowed (Cognito refuses
 * client settings without ALLOW_REFRESH_TOKEN_AUTH).
 */
export function checkFlow(operation: SignInOperation, flow: AuthFlowType, client: ClientRecord): void {
  if (operation === "InitiateAuth" && ADMIN_ONLY.has(flow))
    fail("InvalidParameterException", FLOW_MESSAGES.wrongOperation);
  if (operation === "AdminInitiateAuth" && PUBLIC_ONLY.has(flow)) {
    fail("InvalidParameterException", FLOW_MESSAGES.wrongOperation);
  }
  const raw = client.config.ExplicitAuthFlows;
  const flows = new Set(Array.isArray(raw) ? raw.filter((f): f is string => typeof f === "string") : []);
  const legacy = ![...flows].some((f) => f.startsWith("ALLOW_"));
  const has = (...names: string[]) => names.some((n) => flows.has(n));
  switch (flow) {
    case "USER_PASSWORD_AUTH":
      if (!has("ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH"))
        fail("InvalidParameterException", FLOW_MESSAGES.userPassword);
      return;
    case "ADMIN_USER_PASSWORD_AUTH":
    case "ADMIN_NO_SRP_AUTH":
      if (!has("ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH")) {
        fail("InvalidParameterException", FLOW_MESSAGES.adminPassword);
      }
      return;
    case "USER_SRP_AUTH":
      if (!has("ALLOW_USER_SRP_AUTH") && !(legacy && !has("CUSTOM_AUTH_FLOW_ONLY"))) {
        fail("InvalidParameterException", FLOW_MESSAGES.srp);
      }
      return;
    case "CUSTOM_AUTH":
      if (!has("ALLOW_CUSTOM_AUTH", "CUSTOM_AUTH_FLOW_ONLY"))
        fail("InvalidParameterException", FLOW_MESSAGES.custom);
      return;
    case "USER_AUTH":
      if (!has("ALLOW_USER_AUTH")) fail("InvalidParameterException", FLOW_MESSAGES.userAuth);
      return;
    case "REFRESH_TOKEN_AUTH":
    case "REFRESH_TOKEN":
      return;
  }
}

/** A required AuthParameters (or ChallengeResponses) member; an empty value counts as missing. */
export function requireParameter(parameters: Record<string, string>, name: string): string {
  const v = parameters[name];
  if (v === undefined || v === "") fail("InvalidParameterException", `Missing required parameter ${name}`);
  return v;
}
