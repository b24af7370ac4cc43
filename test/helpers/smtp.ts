// A real SMTP server in the test process (smtp-server), recording every accepted message,
// parsed with mailparser, with the session facts (TLS, authenticated user) it arrived under.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from "smtp-server";

export interface ReceivedMail {
  parsed: ParsedMail;
  raw: string;
  envelope: { from: string; to: string[] };
  /** The session was encrypted (implicit TLS or after STARTTLS). */
  secure: boolean;
  /** The AUTH user, if the client authenticated. */
  user: string | null;
  /** Date.now() when the server accepted the message. */
  receivedAt: number;
  /** The X-Cognate-Message-Id header. */
  messageId: string | null;
}

/** A self-signed certificate for 127.0.0.1, made with the openssl command. */
export interface TestCert {
  key: Buffer;
  cert: Buffer;
  /** The certificate's path, to hand to the server under test as its trusted CA. */
  certFile: string;
  dispose(): void;
}

export function makeCert(): TestCert {
  const dir = mkdtempSync(join(tmpdir(), "cognate-cert-"));
  const keyFile = join(dir, "key.pem");
  const certFile = join(dir, "cert.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      keyFile,
      "-out",
      certFile,
      "-days",
      "2",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
    ],
    { stdio: "ignore" },
  );
  return {
    key: readFileSync(keyFile),
    cert: readFileSync(certFile),
    certFile,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface SmtpServerOptions {
  /** Implicit TLS (smtps://) instead of plain + STARTTLS. */
  secure?: boolean;
  /** The certificate for TLS; STARTTLS is offered only with one. */
  cert?: TestCert;
  /** Require AUTH with these credentials. */
  auth?: { user: string; pass: string };
  /** Listen on this port (e.g. to come up where a server under test already points). */
  port?: number;
  /**
   * Decides each recipient: return null to accept, or [code, text] to refuse (4xx = try
   * later, 5xx = never).
   */
  onRecipient?: (address: string, session: SMTPServerSession) => [number, string] | null;
  /** Decides each message once its data has arrived: null to accept, or [code, text] to refuse. */
  onMessage?: (raw: string) => [number, string] | null;
  /** Holds each message this long (ms) before accepting it: a slow server, answering out of turn. */
  acceptDelayMs?: (raw: string) => number;
}

export interface TestSmtpServer {
  port: number;
  url: (scheme?: "smtp" | "smtps") => string;
  received: ReceivedMail[];
  /** Resolves when `count` messages (in total) have been received. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /** Messages to one recipient. */
  to(address: string): ReceivedMail[];
  close(): Promise<void>;
}

function smtpError(code: number, text: string): Error & { responseCode: number } {
  return Object.assign(new Error(text), { responseCode: code });
}

export async function startSmtpServer(opts: SmtpServerOptions = {}): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = new SMTPServer({
    secure: opts.secure ?? false,
    ...(opts.cert ? { key: opts.cert.key, cert: opts.cert.cert } : {}),
    // Without a certificate of our own, do not offer STARTTLS at all (plain-text tests).
    disabledCommands: [...(opts.cert ? [] : ["STARTTLS"]), ...(opts.auth ? [] : ["AUTH"])],
    authOptional: !opts.auth,
    allowInsecureAuth: false,
    logger: false,
    hideSTARTTLS: false,
    onAuth(auth, _session, callback) {
      if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass) {
        callback(null, { user: auth.username });
      } else {
        callback(smtpError(535, "Authentication credentials invalid"));
      }
    },
    onRcptTo(address: SMTPServerAddress, session, callback) {
      const refusal = opts.onRecipient?.(address.address, session) ?? null;
      if (refusal) callback(smtpError(refusal[0], refusal[1]));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const refusal = opts.onMessage?.(raw) ?? null;
        if (refusal) {
          callback(smtpError(refusal[0], refusal[1]));
          return;
        }
        const envelope = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
        };
        const secure = session.secure;
        const user = typeof session.user === "string" ? session.user : null;
        const delay = opts.acceptDelayMs?.(raw) ?? 0;
        const parse =
          delay > 0
            ? new Promise((r) => setTimeout(r, delay)).then(() => simpleParser(raw))
            : simpleParser(raw);
        parse.then(
          (parsed) => {
            const receivedAt = Date.now();
            const header = parsed.headers.get("x-cognate-message-id");
            received.push({
              parsed,
              raw,
              envelope,
              secure,
              user,
              receivedAt,
              messageId: typeof header === "string" ? header : null,
            });
            for (const w of [...waiters]) {
              if (received.length >= w.count) {
                waiters.splice(waiters.indexOf(w), 1);
                w.resolve();
              }
            }
            callback();
          },
          (e: unknown) => callback(e as Error),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  // Errors on client sockets (a client going away) are not the test's business.
  server.on("error", () => {});
  const port = (server.server.address() as AddressInfo).port;
  const auth = opts.auth
    ? `${encodeURIComponent(opts.auth.user)}:${encodeURIComponent(opts.auth.pass)}@`
    : "";
  return {
    port,
    url: (scheme = opts.secure ? "smtps" : "smtp") => `${scheme}://${auth}127.0.0.1:${port}`,
    received,
    to: (address) => received.filter((m) => m.envelope.to.includes(address)),
    waitFor(count, timeoutMs = 10_000) {
      if (received.length >= count) return Promise.resolve(received);
      return new Promise((resolve, reject) => {
        const w = {
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(received);
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          reject(new Error(`SMTP: expected ${count} messages, got ${received.length} after ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.push(w);
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
