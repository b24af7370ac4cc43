// Browser-facing access rules of the HTTP front (docs/security.md, "A hostile web page").
//
// The public operations (authtype none) are meant to be called from any web app, as Cognito
// allows: they answer `Access-Control-Allow-Origin: *`. What no signature protects in dev
// mode — the dev inbox, which shows every code, and the admin operations, which dev mode
// accepts unsigned — must not be usable by whatever page the developer happens to visit:
// - a browser request to them (it carries an Origin) is refused unless its origin is one of
//   `devOrigins` (default: the loopback origins, plus publicUrl's), and only such an origin is
//   named in Access-Control-Allow-Origin;
// - in dev mode a request whose Host is not a name this server answers to is refused: a page
//   on a name its owner makes resolve to 127.0.0.1 (DNS rebinding) is then same-origin with
//   the server in the browser's eyes and sends no Origin, but it does send its own name.
//   Accepted: loopback names (`localhost`, `*.localhost`), IP addresses (rebinding needs a
//   name), the configured `host` and publicUrl's host, and `allowedHosts`.
// In production the admin operations need a SigV4 signature and there is no dev inbox: a page
// can do nothing there that any origin could not, and neither check applies.
import { isIP } from "node:net";
import type { ServerConfig } from "../config/config.js";

export const PUBLIC_CORS: Readonly<Record<string, string>> = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Expose-Headers": "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date",
};

const ALLOW_HEADERS =
  "content-type, x-amz-target, x-amz-user-agent, x-amz-date, x-amz-security-token, x-amz-content-sha256, authorization, cache-control, pragma, amz-sdk-invocation-id, amz-sdk-request";

/** The name part of a Host header (`name:port`, `[v6]:port`), lower case, no trailing dot. */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  const name = h.startsWith("[")
    ? h.slice(1, h.indexOf("]") > 0 ? h.indexOf("]") : undefined)
    : h.split(":")[0];
  return (name ?? "").replace(/\.$/, "");
}

interface OriginPattern {
  scheme: string;
  host: string;
  /** "*" for any port; "" for the scheme's default port. */
  port: string;
}

function parsePattern(p: string): OriginPattern | "any" | null {
  if (p === "*") return "any";
  const m = /^(https?):\/\/(\[[^\]]+\]|[^/:]+)(?::(\*|\d+))?$/.exec(p.toLowerCase());
  if (!m?.[1] || !m[2]) return null;
  return { scheme: m[1], host: m[2], port: m[3] ?? "" };
}

function parseOrigin(origin: string): OriginPattern | null {
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return null;
  }
  if (
    (u.protocol !== "http:" && u.protocol !== "https:") ||
    u.origin !== origin.toLowerCase().replace(/\/$/, "")
  ) {
    return null;
  }
  return { scheme: u.protocol.slice(0, -1), host: u.hostname, port: u.port };
}

export class AccessRules {
  readonly #devMode: boolean;
  readonly #origins: (OriginPattern | "any")[];
  readonly #hosts: Set<string>;
  readonly #hostSuffixes: string[];
  readonly #anyHost: boolean;

  constructor(
    config: Pick<ServerConfig, "mode" | "devOrigins" | "allowedHosts" | "host" | "publicUrl">,
    publicUrl: string | undefined,
  ) {
    this.#devMode = config.mode === "dev";
    const origins = [...config.devOrigins];
    const names = new Set(["localhost", hostName(config.host)]);
    if (publicUrl) {
      const u = new URL(publicUrl);
      origins.push(u.origin);
      names.add(u.hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase());
    }
    this.#origins = origins.map(parsePattern).filter((p): p is OriginPattern | "any" => p !== null);
    this.#anyHost = config.allowedHosts.includes("*");
    this.#hostSuffixes = config.allowedHosts
      .filter((h) => h.startsWith("*."))
      .map((h) => h.slice(1).toLowerCase());
    for (const h of config.allowedHosts) if (!h.startsWith("*")) names.add(h.toLowerCase());
    this.#hosts = names;
  }

  /** Whether this request's Host is one we answer to (always, outside dev mode). */
  hostAllowed(host: string | undefined): boolean {
    if (!this.#devMode || this.#anyHost) return true;
    // HTTP/1.0 without Host cannot come from a browser page.
    if (host === undefined) return true;
    const name = hostName(host);
    if (isIP(name) !== 0 || this.#hosts.has(name) || name.endsWith(".localhost")) return true;
    return this.#hostSuffixes.some((s) => name.endsWith(s));
  }

  /**
   * Whether a browser page of this origin may use the dev inbox, the console and the unsigned
   * admin operations: one of devOrigins, or the server itself — a page it served (the console)
   * whose origin names the Host the request came to, which the Host check has already vetted.
   */
  originAllowed(origin: string, host?: string): boolean {
    const o = parseOrigin(origin);
    if (o !== null && host !== undefined && `${o.host}${o.port ? `:${o.port}` : ""}` === host.toLowerCase()) {
      return true;
    }
    return this.#origins.some(
      (p) =>
        p === "any" ||
        (o !== null && p.scheme === o.scheme && p.host === o.host && (p.port === "*" || p.port === o.port)),
    );
  }

  /** Whether the admin operations take no signature here (dev mode), so the origin rule applies. */
  get guardsAdmin(): boolean {
    return this.#devMode;
  }

  /** CORS headers for an answer from a guarded surface: the origin is named only if allowed. */
  guardedCors(origin: string | undefined, host?: string): Record<string, string> {
    const h: Record<string, string> = {
      "Access-Control-Expose-Headers": PUBLIC_CORS["Access-Control-Expose-Headers"] ?? "",
      Vary: "Origin",
    };
    if (origin !== undefined && this.originAllowed(origin, host)) h["Access-Control-Allow-Origin"] = origin;
    return h;
  }

  /** The preflight answer: the API path takes any origin (public operations), guarded paths only theirs. */
  preflight(guarded: boolean, origin: string | undefined, host?: string): Record<string, string> {
    const base = guarded ? this.guardedCors(origin, host) : { ...PUBLIC_CORS };
    return {
      ...base,
      "Access-Control-Allow-Methods": "POST, GET, DELETE, OPTIONS",
      "Access-Control-Allow-Headers": ALLOW_HEADERS,
      "Access-Control-Max-Age": "86400",
    };
  }
}

export const messagesFor = {
  host: (host: string) =>
    `Host '${host.slice(0, 255)}' is not allowed: in dev mode Cognate answers only to loopback names, IP addresses, its configured host and publicUrl, and the names in allowedHosts (a defence against DNS rebinding). Add the name to allowedHosts (COGNATE_ALLOWED_HOSTS) to use it.`,
  origin: (origin: string) =>
    `Cross-origin request from '${origin.slice(0, 255)}' refused: in dev mode the admin operations and the dev inbox accept browser requests only from the origins in devOrigins (default: http://localhost:*, http://127.0.0.1:*, http://[::1]:*). Add the origin to devOrigins (COGNATE_DEV_ORIGINS) to allow it.`,
};
