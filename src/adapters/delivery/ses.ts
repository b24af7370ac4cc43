// Email through Amazon SES v2 (SendEmail with raw MIME content, so the HTML and text parts,
// Reply-To and the message-id headers are exactly those the SMTP transport sends). DEVELOPER
// pools send as their SourceArn identity in its region; COGNITO_DEFAULT pools routed here send
// with the server's default sender.
import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import MailComposer from "nodemailer/lib/mail-composer";
import type { OutboxMessage, PoolRecord } from "../../ports/store/index.js";
import { PermanentDeliveryError, type Transport } from "../../ports/transport.js";
import { type AwsClientSettings, arnRegion, awsClientConfig } from "./aws.js";
import { atSendTime, awsFailure } from "./failures.js";
import { emailParts, MESSAGE_ID_HEADER, messageIdFor } from "./mime.js";
import { bareAddress, type DeliverySettings, emailRoute } from "./policy.js";

export class SesTransport implements Transport {
  readonly name = "ses";
  readonly #settings: DeliverySettings;
  readonly #aws: AwsClientSettings;
  readonly #defaultRegion: string;
  readonly #clients = new Map<string, SESv2Client>();

  constructor(aws: AwsClientSettings, defaultRegion: string, settings: DeliverySettings) {
    this.#aws = aws;
    this.#defaultRegion = aws.region ?? defaultRegion;
    this.#settings = settings;
  }

  #client(region: string): SESv2Client {
    let c = this.#clients.get(region);
    if (!c) {
      c = new SESv2Client(awsClientConfig(this.#aws, region));
      this.#clients.set(region, c);
    }
    return c;
  }

  async send(m: OutboxMessage, pool: PoolRecord | undefined): Promise<void> {
    if (!pool) throw new PermanentDeliveryError(`user pool ${m.poolId} no longer exists`);
    const route = atSendTime(() => emailRoute(pool, this.#settings));
    const { html, text } = emailParts(m.body, m.username);
    const raw = await new MailComposer({
      from: route.from,
      to: m.destination,
      ...(route.replyTo ? { replyTo: route.replyTo } : {}),
      subject: m.subject ?? "",
      text,
      html,
      messageId: messageIdFor(m, route.from),
      headers: { [MESSAGE_ID_HEADER]: m.id },
      disableFileAccess: true,
      disableUrlAccess: true,
    })
      .compile()
      .build();
    // A SourceArn identity lives in a region; SES is called there, as Cognito does.
    const region = (route.account === "DEVELOPER" ? arnRegion(route.sourceArn) : null) ?? this.#defaultRegion;
    try {
      await this.#client(region).send(
        new SendEmailCommand({
          FromEmailAddress: bareAddress(route.from),
          ...(route.account === "DEVELOPER" && route.sourceArn
            ? { FromEmailAddressIdentityArn: route.sourceArn }
            : {}),
          Destination: { ToAddresses: [m.destination] },
          Content: { Raw: { Data: raw } },
          ...(route.configurationSet ? { ConfigurationSetName: route.configurationSet } : {}),
        }),
      );
    } catch (e) {
      throw awsFailure("SES", e);
    }
  }

  async close(): Promise<void> {
    for (const c of this.#clients.values()) c.destroy();
    this.#clients.clear();
  }
}
