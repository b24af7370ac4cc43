// SMS through an HTTP gateway: each message is POSTed as JSON to a configured URL, signed
// with HMAC-SHA256 over "<timestamp>.<body>" so the gateway can check origin and freshness.
import { createHmac } from "node:crypto";
import type { OutboxMessage } from "../../ports/store/index.js";
import { PermanentDeliveryError, TransientDeliveryError, type Transport } from "../../ports/transport.js";
import { networkFailure } from "./failures.js";
import { MESSAGE_ID_HEADER } from "./mime.js";

export interface HttpSmsOptions {
  url: string;
  secret: string;
  timeoutMs: number;
}

/** What the gateway receives. */
export interface HttpSmsPayload {
  id: string;
  to: string;
  message: string;
  userPoolId: string;
  triggerSource: string;
  createdAt: string;
}

export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export class HttpSmsTransport implements Transport {
  readonly name = "http-sms";
  readonly #opts: HttpSmsOptions;
  readonly #now: () => number;

  constructor(opts: HttpSmsOptions, now: () => number) {
    this.#opts = opts;
    this.#now = now;
  }

  async send(m: OutboxMessage): Promise<void> {
    const payload: HttpSmsPayload = {
      id: m.id,
      to: m.destination,
      message: m.body,
      userPoolId: m.poolId,
      triggerSource: m.triggerSource,
      createdAt: new Date(m.createdAt).toISOString(),
    };
    const body = JSON.stringify(payload);
    const timestamp = String(Math.floor(this.#now() / 1000));
    let status: number;
    try {
      const r = await fetch(this.#opts.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "cognate",
          [MESSAGE_ID_HEADER]: m.id,
          "X-Cognate-Timestamp": timestamp,
          "X-Cognate-Signature": webhookSignature(this.#opts.secret, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(this.#opts.timeoutMs),
        redirect: "error",
      });
      status = r.status;
      // The reply is dropped unread: a gateway's error page may quote the request, code and
      // number included (adapters/delivery/failures.ts).
      await r.body?.cancel().catch(() => undefined);
    } catch (e) {
      throw new TransientDeliveryError(networkFailure("SMS gateway", e));
    }
    if (status >= 200 && status < 300) return;
    const message = `SMS gateway: HTTP ${status}`;
    // Timeouts, throttling and server errors may pass; other refusals will not.
    if (status === 408 || status === 429 || status >= 500) throw new TransientDeliveryError(message);
    throw new PermanentDeliveryError(message);
  }
}
