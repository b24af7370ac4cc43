// The dev inbox API (contract in docs/dev-inbox.md): every rendered message,
// readable by tests and tools. Dev mode only.
import type { MessageFilter, OutboxMessage, Store } from "../ports/store/index.js";

export interface DevMessage {
  id: string;
  userPoolId: string;
  clientId: string | null;
  username: string;
  medium: "EMAIL" | "SMS";
  attributeName: string;
  destination: string;
  subject: string | null;
  body: string;
  code: string | null;
  triggerSource: string;
  createdAt: string;
  delivery: { status: string; transport: string; attempts: number; lastError: string | null };
}

export function toDevMessage(m: OutboxMessage): DevMessage {
  return {
    id: m.id,
    userPoolId: m.poolId,
    clientId: m.clientId,
    username: m.username,
    medium: m.medium,
    attributeName: m.attributeName,
    destination: m.destination,
    subject: m.subject,
    body: m.body,
    code: m.code,
    triggerSource: m.triggerSource,
    createdAt: new Date(m.createdAt).toISOString(),
    delivery: { status: m.status, transport: m.transport, attempts: m.attempts, lastError: m.lastError },
  };
}

export interface InboxResponse {
  status: number;
  body?: unknown;
}

export function filterFrom(q: URLSearchParams): MessageFilter | string {
  const f: MessageFilter = {};
  const pool = q.get("userPoolId");
  const username = q.get("username");
  const destination = q.get("destination");
  const clientId = q.get("clientId");
  const since = q.get("since");
  if (pool) f.userPoolId = pool;
  if (username) f.username = username;
  if (destination) f.destination = destination;
  if (clientId) f.clientId = clientId;
  if (since) {
    const t = Date.parse(since);
    if (Number.isNaN(t)) return `"since" must be an ISO 8601 time, got "${since}"`;
    f.since = t;
  }
  return f;
}

export async function handleDevInbox(store: Store, method: string, url: URL): Promise<InboxResponse | null> {
  const path = url.pathname.replace(/\/+$/, "");
  if (path === "/_dev/messages") {
    if (method === "GET") {
      const f = filterFrom(url.searchParams);
      if (typeof f === "string") return { status: 400, body: { error: f } };
      const messages = await store.read.outbox.list(f);
      return { status: 200, body: { messages: messages.map(toDevMessage) } };
    }
    if (method === "DELETE") {
      await store.transaction((tx) => tx.outbox.clear());
      return { status: 204 };
    }
    return { status: 405, body: { error: "use GET or DELETE" } };
  }
  if (path === "/_dev/messages/latest") {
    if (method !== "GET") return { status: 405, body: { error: "use GET" } };
    const f = filterFrom(url.searchParams);
    if (typeof f === "string") return { status: 400, body: { error: f } };
    const [latest] = await store.read.outbox.list({ ...f, order: "desc", limit: 1 });
    if (!latest) return { status: 404, body: { error: "no matching message" } };
    return { status: 200, body: toDevMessage(latest) };
  }
  return null;
}
