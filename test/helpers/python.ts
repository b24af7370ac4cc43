// Runs python3 (boto3) scripts against a test server, in a clean AWS environment.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A clean environment for python/aws: nothing from the machine's AWS setup leaks in. */
export function awsEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    AWS_ACCESS_KEY_ID: "AKIDTESTCOGNATE",
    AWS_SECRET_ACCESS_KEY: "test-secret",
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_PAGER: "",
  };
}

/** Runs `script` with `args` as sys.argv[1:] and parses the JSON it prints. */
export async function runPython(script: string, args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run("python3", ["-c", script, ...args], { env: awsEnv() });
  return JSON.parse(stdout) as Record<string, unknown>;
}
