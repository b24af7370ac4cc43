// Who may reach the surfaces no signature protects in dev mode — the dev inbox (and the
// `/_dev/` console to come) and the unsigned admin operations — from a web browser
// (docs/security.md, "A hostile web page").
import { z } from "zod";

/** The loopback origins, any port: a page a developer runs on their own machine. */
export const LOOPBACK_ORIGINS = ["http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*"];

const ORIGIN = /^(\*|https?:\/\/(\[[0-9a-fA-F:.]+\]|[^/:[\]\s]+)(:(\*|\d{1,5}))?)$/;
const HOST = /^(\*|(\*\.)?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)$/;

/**
 * Browser origins allowed to use the dev inbox and, in dev mode, the admin operations:
 * `scheme://host[:port]`, the port may be `*`; `*` alone allows any origin (the old,
 * unprotected behaviour). The server's own publicUrl origin is always allowed.
 */
export const devOrigins = z
  .array(
    z
      .string()
      .regex(ORIGIN, 'must be an origin such as "http://localhost:3000" or "https://app.test:*", or "*"'),
  )
  .default(LOOPBACK_ORIGINS);

/**
 * Host names (besides loopback names, IP addresses, `host` and publicUrl's host) that dev
 * mode answers to; `*.example.test` allows the subdomains, `*` any name. Against DNS
 * rebinding: a hostile page whose name is made to resolve to 127.0.0.1 sends its own name.
 */
export const allowedHosts = z
  .array(z.string().regex(HOST, 'must be a host name such as "cognate" or "*.dev.test", or "*"'))
  .default([]);
