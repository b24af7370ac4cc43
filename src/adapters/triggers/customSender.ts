// CustomEmailSender / CustomSMSSender as outbox transports. Cognito invokes these triggers
// asynchronously, instead of sending the message itself: the API answer does not wait for
// them. Here the message is queued like any other (same transaction as the code), and this
// transport, run by the outbox dispatcher with its retries, builds the sender event, encrypts
// the code at that moment and invokes the function. Cognate sends nothing itself.
//
// The code comes from the outbox row: rows for a custom sender keep it (in every mode) until
// delivery, when production mode scrubs it with the body. It is never logged, and a failure
// message that happens to contain it is masked before the dispatcher records it.
import { caseInsensitive } from "../../domain/pool.js";
import { CLIENT_ID_NOT_APPLICABLE, customSenderEvent, eventAttributes } from "../../domain/triggerEvents.js";
import { usernameKey } from "../../domain/usernames.js";
import type { OutboxMessage, PoolRecord, Store } from "../../ports/store/index.js";
import { PermanentDeliveryError, TransientDeliveryError, type Transport } from "../../ports/transport.js";
import { SenderError, type SenderTrigger, type Triggers } from "../../ports/triggers.js";
import { ServiceError } from "../../protocol/errors.js";
import { NoKeyError } from "./codeCrypto.js";

export const SENDER_TRANSPORTS: readonly SenderTrigger[] = ["CustomEmailSender", "CustomSMSSender"];

function masked(text: string, code: string): string {
  return code ? text.split(code).join("******") : text;
}

export class CustomSenderTransport implements Transport {
  readonly name: SenderTrigger;
  readonly #triggers: Triggers;
  readonly #store: Store;
  readonly #region: string;

  constructor(name: SenderTrigger, a: { triggers: Triggers; store: Store; region: string }) {
    this.name = name;
    this.#triggers = a.triggers;
    this.#store = a.store;
    this.#region = a.region;
  }

  async send(m: OutboxMessage, pool: PoolRecord | undefined): Promise<void> {
    const trigger = this.name;
    if (!pool) throw new PermanentDeliveryError(`user pool ${m.poolId} no longer exists`);
    if (!this.#triggers.configured(pool, trigger)) {
      throw new PermanentDeliveryError(`the pool no longer has a ${trigger} trigger`);
    }
    const code = m.code;
    if (code === null) throw new PermanentDeliveryError("the message no longer holds its code");

    // userAttributes as queued; without the hand-off (restart, another node) as they are now.
    const held = this.#triggers.senderContext(m.id);
    let userAttributes = held?.userAttributes;
    if (!userAttributes) {
      const user = await this.#store.read.users.get(
        pool.id,
        usernameKey(m.username, caseInsensitive(pool.config)),
      );
      if (!user) throw new PermanentDeliveryError(`user ${m.username} no longer exists`);
      userAttributes = eventAttributes(user);
    }

    try {
      const ciphertext = await this.#triggers.encryptCode(pool, code);
      const event = customSenderEvent(
        {
          region: this.#region,
          userPoolId: pool.id,
          userName: m.username,
          clientId: m.clientId ?? CLIENT_ID_NOT_APPLICABLE,
          awsSdkVersion: held?.awsSdkVersion ?? "aws-sdk-unknown-unknown",
        },
        trigger,
        m.triggerSource,
        ciphertext,
        held?.clientMetadata,
        userAttributes,
      );
      if (event === undefined)
        throw new SenderError(`${trigger} has no trigger source ${m.triggerSource}`, false);
      await this.#triggers.send(pool, trigger, event);
    } catch (e) {
      const reason = masked(e instanceof Error ? e.message : String(e), code);
      const permanent =
        e instanceof NoKeyError ||
        (e instanceof SenderError && !e.retry) ||
        (e instanceof ServiceError && e.type !== "InternalErrorException");
      if (permanent) {
        this.#triggers.releaseSenderContext(m.id);
        throw new PermanentDeliveryError(reason);
      }
      // KMS or the function may be back later: the outbox retries with backoff.
      throw new TransientDeliveryError(reason);
    }
    this.#triggers.releaseSenderContext(m.id);
  }
}

export function customSenderTransports(a: { triggers: Triggers; store: Store; region: string }): Transport[] {
  return SENDER_TRANSPORTS.map((name) => new CustomSenderTransport(name, a));
}
