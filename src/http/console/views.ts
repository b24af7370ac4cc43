// What the dev console shows, read from the store and reduced to display fields. Every view
// is built field by field from the records — never by spreading one — so a password hash, a
// client secret, a code HMAC or any sealed value cannot reach a page by accident, now or
// when a record grows a new field.
import { caseInsensitive } from "../../domain/pool.js";
import { usernameKey } from "../../domain/usernames.js";
import type {
  AuthEventRecord,
  ClientRecord,
  PoolRecord,
  StoreRead,
  UserRecord,
} from "../../ports/store/index.js";

/** Pools beyond this are not listed (a dev store has a handful). */
const MAX_POOLS = 500;
const MAX_CLIENTS_PER_POOL = 200;
export const USERS_PAGE = 50;
const EVENTS_SHOWN = 20;

export interface ClientView {
  clientId: string;
  name: string;
  /** Whether the client has a secret; the secret itself is never shown. */
  hasSecret: boolean;
  explicitAuthFlows: string[];
  preventUserExistenceErrors: string | null;
  createdAt: string;
}

export interface PoolView {
  id: string;
  name: string;
  createdAt: string;
  userCount: number;
  usernameAttributes: string[];
  aliasAttributes: string[];
  caseSensitive: boolean;
  autoVerifiedAttributes: string[];
  /** The verification message templates, as configured (null when unset). */
  templates: {
    defaultEmailOption: string | null;
    emailSubject: string | null;
    emailMessage: string | null;
    emailSubjectByLink: string | null;
    emailMessageByLink: string | null;
    smsMessage: string | null;
  };
  /** LambdaConfig: trigger name → function ARN (or KMS key id). */
  triggers: { name: string; target: string }[];
  clients: ClientView[];
}

export interface UserView {
  username: string;
  sub: string;
  status: string;
  enabled: boolean;
  attributes: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

export interface EventView {
  id: string;
  type: string;
  createdAt: string;
  clientId: string | null;
  ipAddress: string | null;
  userAgent: string | null;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

function clientView(c: ClientRecord): ClientView {
  return {
    clientId: c.clientId,
    name: c.clientName,
    hasSecret: c.secret !== null,
    explicitAuthFlows: strings(c.config.ExplicitAuthFlows),
    preventUserExistenceErrors: str(c.config.PreventUserExistenceErrors),
    createdAt: iso(c.creationDate),
  };
}

function triggersOf(p: PoolRecord): { name: string; target: string }[] {
  const out: { name: string; target: string }[] = [];
  for (const [name, value] of Object.entries(p.config.LambdaConfig ?? {})) {
    if (typeof value === "string") out.push({ name, target: value });
    else if (
      value &&
      typeof value === "object" &&
      "LambdaArn" in value &&
      typeof value.LambdaArn === "string"
    )
      out.push({ name, target: value.LambdaArn });
  }
  return out;
}

function poolView(p: PoolRecord, userCount: number, clients: ClientRecord[]): PoolView {
  const c = p.config;
  const t = c.VerificationMessageTemplate ?? {};
  return {
    id: p.id,
    name: p.name,
    createdAt: iso(p.creationDate),
    userCount,
    usernameAttributes: strings(c.UsernameAttributes),
    aliasAttributes: strings(c.AliasAttributes),
    caseSensitive: c.UsernameConfiguration?.CaseSensitive !== false,
    autoVerifiedAttributes: strings(c.AutoVerifiedAttributes),
    templates: {
      defaultEmailOption: str(t.DefaultEmailOption),
      emailSubject: str(t.EmailSubject ?? c.EmailVerificationSubject),
      emailMessage: str(t.EmailMessage ?? c.EmailVerificationMessage),
      emailSubjectByLink: str(t.EmailSubjectByLink),
      emailMessageByLink: str(t.EmailMessageByLink),
      smsMessage: str(t.SmsMessage ?? c.SmsVerificationMessage),
    },
    triggers: triggersOf(p),
    clients: clients.map(clientView),
  };
}

export function userView(u: UserRecord): UserView {
  return {
    username: u.username,
    sub: u.sub,
    status: u.status,
    enabled: u.enabled,
    attributes: { ...u.attributes },
    createdAt: iso(u.createdAt),
    updatedAt: iso(u.updatedAt),
  };
}

function eventView(e: AuthEventRecord): EventView {
  // encodedData (the client's UserContextData) is the app's device fingerprint: not shown.
  return {
    id: e.id,
    type: e.eventType,
    createdAt: iso(e.createdAt),
    clientId: e.clientId,
    ipAddress: e.ipAddress,
    userAgent: e.userAgent,
  };
}

export async function listPools(read: StoreRead): Promise<PoolView[]> {
  const out: PoolView[] = [];
  let after: string | null = null;
  while (out.length < MAX_POOLS) {
    const page: PoolRecord[] = await read.pools.list(60, after);
    for (const p of page) {
      const [count, clients] = await Promise.all([
        read.pools.countUsers(p.id),
        read.clients.list(p.id, MAX_CLIENTS_PER_POOL, null),
      ]);
      out.push(poolView(p, count, clients));
    }
    const last = page.at(-1);
    if (page.length < 60 || !last) break;
    after = last.id;
  }
  return out;
}

export async function listUsers(
  read: StoreRead,
  poolId: string,
  after: string | null,
): Promise<{ users: UserView[]; next: string | null } | null> {
  if (!(await read.pools.get(poolId))) return null;
  // One more than a page tells whether there is a next one.
  const rows = await read.users.list(poolId, USERS_PAGE + 1, after);
  const page = rows.slice(0, USERS_PAGE);
  return {
    users: page.map(userView),
    next: rows.length > USERS_PAGE ? (page.at(-1)?.username ?? null) : null,
  };
}

/**
 * The groups a user belongs to, or null while the store has no groups (a later issue): the
 * page shows the groups section only when this is an array. When groups land, read them
 * here (e.g. `read.groups.listForUser`) and nothing else changes.
 */
async function groupsOf(_read: StoreRead, _poolId: string, _username: string): Promise<string[] | null> {
  return null;
}

export async function userDetail(
  read: StoreRead,
  poolId: string,
  username: string,
): Promise<{ user: UserView; groups: string[] | null; events: EventView[] } | null> {
  const pool = await read.pools.get(poolId);
  if (!pool) return null;
  const user = await read.users.get(poolId, usernameKey(username, caseInsensitive(pool.config)));
  if (!user) return null;
  const [events, groups] = await Promise.all([
    read.events.listForUser(poolId, user.username, EVENTS_SHOWN),
    groupsOf(read, poolId, user.username),
  ]);
  return { user: userView(user), groups, events: events.map(eventView) };
}
