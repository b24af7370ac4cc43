// GET /confirmUser — the page a CONFIRM_WITH_LINK email points at (Cognito serves it from
// the pool's domain). It is ConfirmSignUp by another door and gets the same checks as the
// API, in the same order:
// - the caller's per-IP allowance (shared with the API) is spent first;
// - it is served only for app clients whose pool confirms by link (DefaultEmailOption
//   CONFIRM_WITH_LINK): for any other pool it would be an extra, unlimited way in;
// - an app client with a secret is refused, as the API refuses a ConfirmSignUp without a
//   SecretHash. The link carries client_id, user_name and confirmation_code only, and no
//   public source says what Cognito's hosted page does for such a client; computing the hash
//   here, as this page once did, would let anyone who knows the client id guess codes without
//   the secret the client requires. Strict: such a client confirms through its own backend
//   (docs/security.md).
import type { Logger } from "pino";
import { escapeHtml } from "../domain/templates.js";
import type { Deps } from "../operations/deps.js";
import type { Dispatcher } from "../protocol/dispatch.js";

export interface LinkPage {
  status: number;
  html: string;
}

function page(status: number, title: string, text: string): LinkPage {
  return {
    status,
    html: `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`,
  };
}

const failed = (text: string) => page(400, "Confirmation failed", text);

export async function handleConfirmLink(
  dispatcher: Dispatcher,
  deps: Pick<Deps, "directory">,
  url: URL,
  ctx: { requestId: string; sourceIp: string; log: Logger },
): Promise<LinkPage> {
  if (!dispatcher.admit(ctx.sourceIp))
    return page(429, "Too many requests", "Too many requests. Try again later.");
  const clientId = url.searchParams.get("client_id") ?? "";
  const username = url.searchParams.get("user_name") ?? "";
  const code = url.searchParams.get("confirmation_code") ?? "";
  // An unknown client is left to ConfirmSignUp, which answers it as the API does.
  const client = clientId ? await deps.directory.findClient(clientId) : undefined;
  const pool = client ? await deps.directory.findPool(client.poolId) : undefined;
  if (pool && pool.config.VerificationMessageTemplate?.DefaultEmailOption !== "CONFIRM_WITH_LINK") {
    return failed("This user pool does not confirm sign-up by link.");
  }
  const r = await dispatcher.handle(
    {
      target: "AWSCognitoIdentityProviderService.ConfirmSignUp",
      contentType: "application/x-amz-json-1.1",
      body: Buffer.from(JSON.stringify({ ClientId: clientId, Username: username, ConfirmationCode: code })),
      headers: {},
      method: "POST",
      path: "/confirmUser",
    },
    {
      requestId: ctx.requestId,
      sourceIp: ctx.sourceIp,
      userAgent: undefined,
      log: ctx.log,
      accessKeyId: undefined,
    },
    { admitted: true },
  );
  if (r.status === 200) {
    return page(200, "Registration confirmed", "Your account is confirmed. You can sign in now.");
  }
  return failed(r.errorMessage ?? "The link is not valid.");
}
