// AdminCreateUser's invitation: the temporary password and the sign-in name, sent to the
// media the administrator asked for through the pool's InviteMessageTemplate (or Cognito's
// default), rewritten by CustomMessage_AdminCreateUser or handed to a custom sender, and
// queued in the outbox with the user's creation (docs/admin-users.md, "Invitations").
import type { DeliveryTarget } from "../domain/delivery.js";
import { CODE_PLACEHOLDER, escapeHtml, invitationTemplate } from "../domain/templates.js";
import { CLIENT_ID_NOT_APPLICABLE, eventAttributes } from "../domain/triggerEvents.js";
import type { Deps } from "../operations/deps.js";
import type { OutboxMessage, PoolRecord, UserRecord } from "../ports/store/index.js";
import { fail } from "../protocol/errors.js";
import { applyCustomMessage, holdForSender, outboxRow, route } from "./codeMessage.js";

const SOURCE = "CustomMessage_AdminCreateUser";

export type Medium = "EMAIL" | "SMS";

/**
 * Where the invitation goes. Asked-for media (DesiredDeliveryMediums) go to each one the user
 * has the attribute for, and it is an error when the user has none of them. Without the
 * member Cognito's default is SMS; a user without a phone number then gets the email instead,
 * and a user with neither gets no invitation (nothing was asked for that could fail).
 */
export function invitationTargets(
  asked: readonly Medium[] | undefined,
  attributes: Record<string, string>,
): DeliveryTarget[] {
  const to = (m: Medium): DeliveryTarget | null => {
    const destination = m === "EMAIL" ? attributes.email : attributes.phone_number;
    if (destination === undefined) return null;
    return { medium: m, attributeName: m === "EMAIL" ? "email" : "phone_number", destination };
  };
  if (asked === undefined || asked.length === 0) {
    const t = to("SMS") ?? to("EMAIL");
    return t ? [t] : [];
  }
  const out = [...new Set(asked)].map(to).filter((t): t is DeliveryTarget => t !== null);
  if (out.length === 0) {
    // Cognito's wording is not captured; this says what is wrong.
    fail("InvalidParameterException", "User has no attribute matching desired delivery mediums");
  }
  return out;
}

/**
 * The invitation messages, rendered and routed, not yet written (the caller queues them in
 * the transaction that creates or resets the user). A route that cannot deliver throws
 * before anything is written, as for codes.
 */
export async function invitationMessages(
  deps: Pick<Deps, "clock" | "random" | "delivery" | "triggers" | "config">,
  a: {
    pool: PoolRecord;
    user: UserRecord;
    /** What `{username}` stands for: the name the user signs in with. */
    signInName: string;
    password: string;
    targets: readonly DeliveryTarget[];
    clientMetadata: Record<string, string> | undefined;
    userAgent: string | undefined;
  },
): Promise<OutboxMessage[]> {
  const out: OutboxMessage[] = [];
  const userAttributes = eventAttributes(a.user);
  for (const target of a.targets) {
    const how = route(deps, a.pool, target);
    const template = invitationTemplate(a.pool.config, target.medium);
    if (how.sender === null) {
      await applyCustomMessage(deps, a.pool, template, target.medium, {
        source: SOURCE,
        userAttributes,
        clientMetadata: a.clientMetadata,
        eventContext: {
          region: deps.config.region,
          userPoolId: a.pool.id,
          userName: a.user.username,
          clientId: CLIENT_ID_NOT_APPLICABLE,
          userAgent: a.userAgent,
        },
      });
    }
    // "If your template doesn't have this placeholder, Amazon Cognito doesn't deliver the
    // invitation message" (API reference, AdminCreateUser).
    if (how.sender === null && !template.body.includes(CODE_PLACEHOLDER)) continue;
    const message = outboxRow(deps, {
      pool: a.pool,
      clientId: null,
      username: a.user.username,
      target,
      route: how,
      template,
      code: a.password,
      source: SOURCE,
      now: deps.clock.now(),
      displayUsername: a.signInName,
    });
    if (how.sender !== null) {
      // A custom sender receives the temporary password HTML-escaped (developer guide,
      // custom email sender).
      message.code = escapeHtml(a.password);
      holdForSender(deps, message, {
        userAgent: a.userAgent,
        clientMetadata: a.clientMetadata,
        userAttributes,
      });
    }
    out.push(message);
  }
  return out;
}
