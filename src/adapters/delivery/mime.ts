// What an email carries besides the rendered body: an HTML part and a plain-text part derived
// from it, and the headers that let receivers de-duplicate (the outbox message id).
import { convert } from "html-to-text";
import type { OutboxMessage } from "../../ports/store/index.js";
import { bareAddress } from "./policy.js";

/** Header carrying the outbox message id on every email and webhook call. */
export const MESSAGE_ID_HEADER = "X-Cognate-Message-Id";

const LOOKS_LIKE_HTML = /<\/?[a-z][\w-]*(?:\s[^<>]*)?\/?>|&(?:#\d+|#x[\da-f]+|[a-z]+);/i;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Templates may be plain text or HTML (Cognito allows HTML in email messages). Plain text is
 * escaped into the HTML part; HTML is turned into readable text for the text part, links
 * keeping their targets so a link-mode message still works in a text-only client.
 */
export function emailParts(body: string): { html: string; text: string } {
  if (!LOOKS_LIKE_HTML.test(body)) {
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
