// Shared by the measuring scripts: `cognate serve` in a child process, and its URL.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const BIN = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "bin", "cognate.js");

/** Starts `cognate serve --port 0 …args` and resolves with the process and the URL it printed. */
export async function serveChild(args) {
  const server = spawn(process.execPath, [BIN, "serve", "--port", "0", ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise((resolve, reject) => {
    let out = "";
    server.stdout.on("data", (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    server.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { server, url };
}
