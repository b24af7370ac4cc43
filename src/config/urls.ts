// The server's own address as links in messages name it (CONFIRM_WITH_LINK emails).
import type { ServerConfig } from "./config.js";

/**
 * `http://host:port`. An IPv6 literal goes in brackets (RFC 3986 §3.2.2), with the `%` of a
 * zone id escaped as `%25` (RFC 6874); a host already in brackets is taken as it is.
 */
export function httpUrl(host: string, port: number, secure = false): string {
  const literal = host.includes(":") && !host.startsWith("[");
  return `${secure ? "https" : "http"}://${literal ? `[${host.replace(/%/g, "%25")}]` : host}:${port}`;
}

/** Where confirmation links point: the configured `publicUrl`, else the listening address. */
export function linkBaseUrl(config: Pick<ServerConfig, "publicUrl" | "host" | "port" | "tls">): string {
  return config.publicUrl ?? httpUrl(config.host, config.port, config.tls !== undefined);
}
