// moto's server on loopback: it speaks the SES v2 and SNS wire protocols, so the real AWS SDK
// clients of the transports talk to it unchanged. What it accepted is read back through its
// /moto-api/data.json model dump, and the raw requests through its request recorder.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface MotoServer {
  url: string;
  /** The service models moto keeps, by service and class (e.g. data.ses.RawMessage). */
  data(): Promise<Record<string, Record<string, Record<string, unknown>[]>>>;
  /** Every request moto received (the recorder is on from the start). */
  requests(): RecordedRequest[];
  close(): Promise<void>;
}

/** Fresh each time: the AWS SDK marks the credential objects it is given. */
export const motoCredentials = () => ({ accessKeyId: "testing", secretAccessKey: "testing" });

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function startMoto(): Promise<MotoServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "cognate-moto-"));
  const recording = join(dir, "requests.jsonl");
  const child: ChildProcess = spawn("python3", ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, MOTO_ENABLE_RECORDING: "true", MOTO_RECORDER_FILEPATH: recording },
  });
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto exited (${child.exitCode}): ${stderr}`);
    try {
      const r = await fetch(`${url}/moto-api/data.json`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) {
      child.kill("SIGKILL");
      throw new Error(`moto did not start on ${url}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async data() {
      const r = await fetch(`${url}/moto-api/data.json`);
      return (await r.json()) as Record<string, Record<string, Record<string, unknown>[]>>;
    },
    requests() {
      if (!existsSync(recording)) return [];
      return readFileSync(recording, "utf8")
        .split("\n")
        .filter((l) => l.trim() !== "")
        .map((l) => {
          const e = JSON.parse(l) as RecordedRequest & { body_encoded?: boolean };
          const body = e.body_encoded ? Buffer.from(e.body ?? "", "base64").toString("utf8") : (e.body ?? "");
          return { method: e.method, url: e.url, headers: e.headers, body };
        });
    },
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
