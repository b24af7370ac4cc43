// What an email carries besides the rendered body: an HTML part and a plain-text part derived
// from it, and the headers that let receivers de-duplicate (the outbox message id).
import { convert } from "html-to-text";
import { escapeHtml, looksLikeHtml } from "../../domain/templates.js";
import type { OutboxMessage } from "../../ports/store/index.js";
import { bareAddress } from "./policy.js";

/** Header carrying the outbox message id on every email and webhook call. */
export const MESSAGE_ID_HEADER = "X-Cognate-Message-Id";

/**
 * Templates may be plain text or HTML (Cognito allows HTML in email messages). Plain text is
 * escaped into the HTML part; HTML is turned into readable text for the text part, links
 * keeping their targets so a link-mode message still works in a text-only client.
 *
 * Which one a body is was decided by its template (domain/templates.ts `render`): an HTML
 * template has the username escaped in it, a text one has it as typed. So a username that
 * could itself pass for markup is left out when looking: it must not turn a text message
 * into HTML, where it would become a live link. (A username without `<>&"'` cannot, and is
 * not left out: a short one such as "p" could be part of the template's own tags.)
 */
export function emailParts(body: string, username?: string): { html: string; text: string } {
  const probe = username && escapeHtml(username) !== username ? body.split(username).join("") : body;
  if (!looksLikeHtml(probe)) {
    return { html: `<p>${escapeHtml(body).replace(/\r?\n/g, "<br>")}</p>`, text: body };
  }
  const text = convert(body, {
    wordwrap: false,
    selectors: [
      { selector: "a", options: { hideLinkHrefIfSameAsText: true } },
      // Keep headings as written; shouting them is a typewriter convention.
      ...["h1", "h2", "h3", "h4", "h5", "h6"].map((h) => ({ selector: h, options: { uppercase: false } })),
    ],
  });
  return { html: body, text };
}

/** RFC 5322 Message-ID from the outbox id: stable across retries, so duplicates are visible. */
export function messageIdFor(m: OutboxMessage, from: string): string {
  const domain = bareAddress(from).split("@")[1] ?? "cognate.invalid";
  return `<${m.id}@${domain}>`;
}
