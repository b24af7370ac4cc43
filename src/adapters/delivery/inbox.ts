import type { Transport } from "../../ports/transport.js";

/**
 * The development transport: the message is only recorded (the outbox row is the dev
 * inbox), so delivering it is immediate.
 */
export const inboxTransport: Transport = {
  name: "inbox",
  async send() {},
};
