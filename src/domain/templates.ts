// Rendering a verification message from the pool's templates. Rendering is separate from
// sending: the result becomes an outbox row; transports only deliver it.
import type { PoolConfig } from "./pool.js";

export const CODE_PLACEHOLDER = "{####}";
export const USERNAME_PLACEHOLDER = "{username}";
// AdminCreateUser's invitation when the pool has no InviteMessageTemplate (what a
// console-made pool stores; docs/admin-users.md).
export const DEFAULT_INVITE_MESSAGE = "Your username is {username} and temporary password is {####}. ";
export const DEFAULT_INVITE_SUBJECT = "Your temporary password";
export const DEFAULT_EMAIL_MESSAGE = "Your verification code is {####}. ";
export const DEFAULT_EMAIL_SUBJECT = "Your verification code";
export const DEFAULT_SMS_MESSAGE = "Your verification code is {####}. ";
export const DEFAULT_LINK_MESSAGE =
  "Please click the link below to verify your email address. {##Verify Email##} ";
export const DEFAULT_LINK_SUBJECT = "Your verification link";
const LINK_PLACEHOLDER = /\{##([\s\S]*?)##\}/g;

export interface MessageTemplate {
  medium: "EMAIL" | "SMS";
  /** Email only. */
  subject: string | null;
  body: string;
  /** Link mode: `{##text##}` placeholders become links to /confirmUser. */
  link: boolean;
}

/** The pool's template for a confirmation message on this medium, before substitution. */
export function verificationTemplate(pool: PoolConfig, medium: "EMAIL" | "SMS"): MessageTemplate {
  const t = pool.VerificationMessageTemplate ?? {};
  if (medium === "SMS") {
    return {
      medium,
      subject: null,
      body: t.SmsMessage ?? pool.SmsVerificationMessage ?? DEFAULT_SMS_MESSAGE,
      link: false,
    };
  }
  if (t.DefaultEmailOption === "CONFIRM_WITH_LINK") {
    return {
      medium,
      subject: t.EmailSubjectByLink ?? DEFAULT_LINK_SUBJECT,
      body: t.EmailMessageByLink ?? DEFAULT_LINK_MESSAGE,
      link: true,
    };
  }
  return {
    medium,
    subject: t.EmailSubject ?? pool.EmailVerificationSubject ?? DEFAULT_EMAIL_SUBJECT,
    body: t.EmailMessage ?? pool.EmailVerificationMessage ?? DEFAULT_EMAIL_MESSAGE,
    link: false,
  };
}

/**
 * The pool's verification template in its code form, whatever DefaultEmailOption says:
 * "Emails from attribute-update and password-reset operations use the code template"
 * (developer guide, message customizations; docs/recovery.md).
 */
export function codeTemplate(pool: PoolConfig, medium: "EMAIL" | "SMS"): MessageTemplate {
  const t = pool.VerificationMessageTemplate ?? {};
  if (medium === "SMS") return verificationTemplate(pool, medium);
  return {
    medium,
    subject: t.EmailSubject ?? pool.EmailVerificationSubject ?? DEFAULT_EMAIL_SUBJECT,
    body: t.EmailMessage ?? pool.EmailVerificationMessage ?? DEFAULT_EMAIL_MESSAGE,
    link: false,
  };
}

/** Our default for MFA codes when the pool sets no message (Cognito's own wording is not documented). */
export const DEFAULT_MFA_MESSAGE = "Your authentication code is {####}. ";
export const DEFAULT_MFA_SUBJECT = "Your authentication code";

/**
 * The template of an MFA code (SMS_MFA, EMAIL_OTP): the pool's SmsAuthenticationMessage for
 * SMS, EmailMfaConfiguration's Message and Subject for email (docs/mfa.md).
 */
export function mfaTemplate(pool: PoolConfig, medium: "EMAIL" | "SMS"): MessageTemplate {
  if (medium === "SMS") {
    return { medium, subject: null, body: pool.SmsAuthenticationMessage ?? DEFAULT_MFA_MESSAGE, link: false };
  }
  const t = pool.EmailMfaConfiguration ?? {};
  return {
    medium,
    subject: t.Subject ?? DEFAULT_MFA_SUBJECT,
    body: t.Message ?? DEFAULT_MFA_MESSAGE,
    link: false,
  };
}

export interface RenderInput {
  code: string;
  username: string;
  /** Base URL of the confirmation link, e.g. http://127.0.0.1:9229 (link mode only). */
  linkBaseUrl: string;
  clientId: string | null;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const LOOKS_LIKE_HTML = /<\/?[a-z][\w-]*(?:\s[^<>]*)?\/?>|&(?:#\d+|#x[\da-f]+|[a-z]+);/i;

/** Cognito allows HTML in email messages: a template with a tag or an entity is taken as HTML. */
export function looksLikeHtml(s: string): boolean {
  return LOOKS_LIKE_HTML.test(s);
}

export function confirmationLink(i: RenderInput): string {
  const q = new URLSearchParams({
    client_id: i.clientId ?? "",
    user_name: i.username,
    confirmation_code: i.code,
  });
  return `${i.linkBaseUrl.replace(/\/$/, "")}/confirmUser?${q.toString()}`;
}

/**
 * Fills in a template. Whether an email is HTML is decided by its template, before anything
 * is put into it; in an HTML one the username (the user's own choice, and a valid username may
 * hold `<`, `>` and quotes) goes in escaped, so it can never become markup. A text template,
 * an SMS and the subject (a header, shown as text) get it exactly as typed; the email's HTML
 * part escapes text bodies as a whole (adapters/delivery/mime.ts).
 */
export function render(template: MessageTemplate, i: RenderInput): { subject: string | null; body: string } {
  const html = template.medium === "EMAIL" && (template.link || looksLikeHtml(template.body));
  let body = template.body.split(USERNAME_PLACEHOLDER).join(html ? escapeHtml(i.username) : i.username);
  if (template.link) {
    const url = confirmationLink(i);
    body = body.replace(LINK_PLACEHOLDER, (_m, text: string) => `<a href="${escapeHtml(url)}">${text}</a>`);
  }
  // An invitation's "code" is a temporary password, which may hold `<` or `&`.
  body = body.split(CODE_PLACEHOLDER).join(html ? escapeHtml(i.code) : i.code);
  const subject =
    template.subject === null ? null : template.subject.split(USERNAME_PLACEHOLDER).join(i.username);
  return { subject, body };
}

/** The pool's invitation template (AdminCreateUserConfig.InviteMessageTemplate) for a medium. */
export function invitationTemplate(pool: PoolConfig, medium: "EMAIL" | "SMS"): MessageTemplate {
  const t = pool.AdminCreateUserConfig?.InviteMessageTemplate ?? {};
  if (medium === "SMS")
    return { medium, subject: null, body: t.SMSMessage ?? DEFAULT_INVITE_MESSAGE, link: false };
  return {
    medium,
    subject: t.EmailSubject ?? DEFAULT_INVITE_SUBJECT,
    body: t.EmailMessage ?? DEFAULT_INVITE_MESSAGE,
    link: false,
  };
}
