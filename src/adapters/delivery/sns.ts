// SMS through Amazon SNS Publish to a phone number, in the pool's SnsRegion, as a
// transactional message carrying the outbox id as a message attribute.
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import type { OutboxMessage, PoolRecord } from "../../ports/store/index.js";
import { PermanentDeliveryError, type Transport } from "../../ports/transport.js";
import { type AwsClientSettings, awsClientConfig } from "./aws.js";
import { atSendTime, awsFailure } from "./failures.js";
import { type DeliverySettings, smsRoute } from "./policy.js";

/** SNS message attribute carrying the outbox message id. */
export const SNS_MESSAGE_ID_ATTRIBUTE = "Cognate.MessageId";

export class SnsTransport implements Transport {
  readonly name = "sns";
  readonly #settings: DeliverySettings;
  readonly #aws: AwsClientSettings;
  readonly #defaultRegion: string;
  readonly #clients = new Map<string, SNSClient>();

  constructor(aws: AwsClientSettings, defaultRegion: string, settings: DeliverySettings) {
    this.#aws = aws;
    this.#defaultRegion = aws.region ?? defaultRegion;
    this.#settings = settings;
  }

  #client(region: string): SNSClient {
    let c = this.#clients.get(region);
    if (!c) {
      c = new SNSClient(awsClientConfig(this.#aws, region));
      this.#clients.set(region, c);
    }
    return c;
  }

  async send(m: OutboxMessage, pool: PoolRecord | undefined): Promise<void> {
    if (!pool) throw new PermanentDeliveryError(`user pool ${m.poolId} no longer exists`);
    // The sandbox was checked when the message was accepted; a later change of the verified
    // list does not strand a message that was acknowledged.
    const route = atSendTime(() =>
      smsRoute(pool, m.destination, {
        ...this.#settings,
        sms: { ...this.#settings.sms, sandbox: { enabled: false, verifiedNumbers: new Set() } },
      }),
    );
    try {
      await this.#client(route.region ?? this.#defaultRegion).send(
        new PublishCommand({
          PhoneNumber: m.destination,
          Message: m.body,
          MessageAttributes: {
            // Codes are time-critical: SNS routes transactional SMS for reliability.
            "AWS.SNS.SMS.SMSType": { DataType: "String", StringValue: "Transactional" },
            [SNS_MESSAGE_ID_ATTRIBUTE]: { DataType: "String", StringValue: m.id },
          },
        }),
      );
    } catch (e) {
      throw awsFailure("SNS", e);
    }
  }

  async close(): Promise<void> {
    for (const c of this.#clients.values()) c.destroy();
    this.#clients.clear();
  }
}
