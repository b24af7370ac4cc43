// A username is the user's to choose, and a message template may put it in the email with
// `{username}`: in the HTML part it must arrive as text, never as markup; in the text part and
// the subject it stays exactly what the user typed. Checked on what a real SMTP server receives,
// parsed with mailparser.
import { SignUpCommand } from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { type ReceivedMail, startSmtpServer, type TestSmtpServer } from "../helpers/smtp.js";

// A valid Cognito username (no spaces: `/` separates the attribute, as browsers parse it).
const HOSTILE = '<a/href="https://evil.example">Verify</a>';

describe("{username} in email templates", () => {
  let smtp: TestSmtpServer;
  let s: TestServer;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    s = await startServer({
      email: { smtpUrl: smtp.url(), from: "no-reply@cognate.test" },
      outbox: { baseDelayMs: 40, maxDelayMs: 200, pollMs: 50, maxAttempts: 3, leaseSeconds: 5 },
    });
  });
  afterAll(async () => {
    await s?.close();
    await smtp?.close();
  });

  async function mailFor(template: Record<string, string>, email: string): Promise<ReceivedMail> {
    const { clientId } = await makePool(s.sdk, { VerificationMessageTemplate: template });
    await s.sdk.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: HOSTILE,
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: email }],
      }),
    );
    const until = Date.now() + 10_000;
    for (;;) {
      const [m] = smtp.to(email);
      if (m) return m;
      if (Date.now() > until) throw new Error(`no mail to ${email}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** No element of the HTML part points at the attacker's site; the name shows as text. */
  function expectInert(m: ReceivedMail): void {
    const html = String(m.parsed.html);
    expect(html).not.toMatch(/href\s*=\s*["']?https?:\/\/evil\.example/i);
    expect(html).toMatch(/(?:&lt;|&#60;)a\/href=(?:&quot;|&#34;)https:\/\/evil\.example/);
  }

  it("plain-text template: the HTML part escapes the name, the text part and subject keep it", async () => {
    const m = await mailFor(
      { EmailSubject: "Welcome {username}", EmailMessage: "Hello {username}, your code is {####}." },
      "plain@example.com",
    );
    expectInert(m);
    expect(m.parsed.text?.trim()).toMatch(new RegExp(`^Hello ${escapeRe(HOSTILE)}, your code is \\d{6}\\.$`));
    expect(m.parsed.subject).toBe(`Welcome ${HOSTILE}`);
  });

  it("HTML template: the template's markup stays, the name is escaped in it", async () => {
    const m = await mailFor(
      {
        EmailSubject: "Welcome {username}",
        EmailMessage: "<p>Hello {username}</p><p>Code: <b>{####}</b></p>",
      },
      "html@example.com",
    );
    expectInert(m);
    expect(String(m.parsed.html)).toMatch(/<b>\d{6}<\/b>/);
    expect(m.parsed.text).toContain(`Hello ${HOSTILE}`);
    expect(m.parsed.subject).toBe(`Welcome ${HOSTILE}`);
  });

  it("link mode: the confirmation link works, the name next to it is inert", async () => {
    const m = await mailFor(
      {
        DefaultEmailOption: "CONFIRM_WITH_LINK",
        EmailSubjectByLink: "Confirm {username}",
        EmailMessageByLink: "Hi {username}: {##Verify Email##}",
      },
      "link@example.com",
    );
    expectInert(m);
    const hrefs = [...String(m.parsed.html).matchAll(/href="([^"]+)"/g)].map((x) => x[1] ?? "");
    expect(hrefs).toHaveLength(1);
    expect(hrefs[0]).toMatch(/\/confirmUser\?client_id=/);
    expect(m.parsed.text).toContain(`Hi ${HOSTILE}`);
    expect(m.parsed.subject).toBe(`Confirm ${HOSTILE}`);
  });
});

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
