// GET /confirmUser — the page a CONFIRM_WITH_LINK email points at (Cognito serves it from
// the pool's domain). It runs the same ConfirmSignUp operation as the API; for a client with
// a secret it computes the SecretHash itself, as the hosted page does.
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { computeSecretHash } from "../domain/secretHash.js";
import type { Deps } from "../operations/deps.js";
import type { Dispatcher } from "../protocol/dispatch.js";

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, text: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`;
}

export async function handleConfirmLink(
  dispatcher: Dispatcher,
  deps: Pick<Deps, "directory">,
  url: URL,
  requestId: string,
  log: Logger,
): Promise<{ status: number; html: string }> {
  const clientId = url.searchParams.get("client_id") ?? "";
  const username = url.searchParams.get("user_name") ?? "";
  const code = url.searchParams.get("confirmation_code") ?? "";
  const input: Record<string, string> = { ClientId: clientId, Username: username, ConfirmationCode: code };
  const client = clientId ? await deps.directory.findClient(clientId) : undefined;
  if (client?.secret) input.SecretHash = computeSecretHash(client.secret, username, clientId);
  const r = await dispatcher.handle(
    {
      target: "AWSCognitoIdentityProviderService.ConfirmSignUp",
      contentType: "application/x-amz-json-1.1",
      body: Buffer.from(JSON.stringify(input)),
      headers: {},
      method: "POST",
      path: "/confirmUser",
    },
    { requestId: requestId || randomUUID(), sourceIp: "", userAgent: undefined, log, accessKeyId: undefined },
  );
  if (r.status === 200)
    return {
      status: 200,
      html: page("Registration confirmed", "Your account is confirmed. You can sign in now."),
    };
  return { status: 400, html: page("Confirmation failed", r.errorMessage ?? "The link is not valid.") };
}
