// The worked example of docs/triggers.md, run as written by the real `cognate serve` (plain
// Node, no test runner between the server and the module), and the validation of the
// `triggers` settings.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  ConfirmSignUpCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { ConfigError, loadConfig, makeConfig } from "../../src/config/config.js";
import { type ChildServer, startChild } from "../helpers/child.js";
import { expectError } from "../helpers/expect.js";
import { PASSWORD } from "../helpers/fixtures.js";
import { DevInbox, sdkClient } from "../helpers/server.js";

const DOC = readFileSync(resolve(import.meta.dirname, "../../docs/triggers.md"), "utf8");

/** The first fenced block of `lang` in the "Worked example" section of docs/triggers.md. */
function exampleBlock(lang: string): string {
  const start = DOC.indexOf("\n## Worked example");
  if (start === -1) throw new Error("docs/triggers.md has no Worked example section");
  const end = DOC.indexOf("\n## ", start + 10);
  const section = DOC.slice(start, end === -1 ? undefined : end);
  const m = new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``).exec(section);
  if (!m?.[1]) throw new Error(`no ${lang} block in the Worked example of docs/triggers.md`);
  return m[1];
}

describe("the worked example of docs/triggers.md, served by `cognate serve`", () => {
  let dir: string;
  let child: ChildServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "cognate-doc-triggers-"));
    const js = exampleBlock("js");
    const file = /^\/\/ (\S+)/.exec(js)?.[1];
    expect(file).toBe("triggers/custom-message.mjs");
    mkdirSync(join(dir, "triggers"));
    writeFileSync(join(dir, file ?? ""), js);
    // The example as written, plus one pool whose PreSignUp module does not parse.
    const config = parseYaml(exampleBlock("yaml")) as {
      seed: { pools: Record<string, unknown>[] };
      triggers: { functions: Record<string, string> };
    };
    const broken = "arn:aws:lambda:us-east-1:123456789012:function:broken";
    config.seed.pools.push({
      Id: "us-east-1_Broken1",
      PoolName: "broken",
      LambdaConfig: { PreSignUp: broken },
      Clients: [{ ClientId: "brokenclient1", ClientName: "web" }],
    });
    config.triggers.functions[broken] = "module:./triggers/broken.mjs";
    writeFileSync(join(dir, "triggers/broken.mjs"), "export const handler = async (event) => {\n");
    writeFileSync(join(dir, "cognate.yaml"), stringifyYaml(config));
    // Started from another folder: module paths are relative to the config file.
    child = await startChild([
      "--config",
      join(dir, "cognate.yaml"),
      "--db",
      ":memory:",
      "--log-level",
      "warn",
    ]);
  }, 120_000);
  afterAll(async () => {
    child?.kill();
    await child?.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  it("rewrites the sign-up and resend emails, the resend in French from clientMetadata", async () => {
    const sdk = sdkClient(child.url);
    const inbox = new DevInbox(child.url);
    try {
      await sdk.send(
        new SignUpCommand({
          ClientId: "exampleclient1",
          Username: "ana",
          Password: PASSWORD,
          UserAttributes: [{ Name: "email", Value: "ana@example.com" }],
        }),
      );
      const first = await inbox.latest({ username: "ana" });
      expect(first?.subject).toBe("Your confirmation code");
      expect(first?.body).toBe(`Hello ana, your code is ${first?.code}.`);
      await sdk.send(
        new ResendConfirmationCodeCommand({
          ClientId: "exampleclient1",
          Username: "ana",
          ClientMetadata: { lang: "fr" },
        }),
      );
      const fr = await inbox.latest({ username: "ana" });
      expect(fr?.triggerSource).toBe("CustomMessage_ResendCode");
      expect(fr?.subject).toBe("Votre code de confirmation");
      expect(fr?.body).toBe(`Bonjour ana, votre code est ${fr?.code}.`);
      await sdk.send(
        new ConfirmSignUpCommand({
          ClientId: "exampleclient1",
          Username: "ana",
          ConfirmationCode: fr?.code ?? "",
        }),
      );
    } finally {
      sdk.destroy();
    }
  });

  it("a module that does not parse fails the sign-up with the runtime's SyntaxError", async () => {
    const sdk = sdkClient(child.url);
    try {
      await expectError(
        sdk.send(new SignUpCommand({ ClientId: "brokenclient1", Username: "bo", Password: PASSWORD })),
        "UserLambdaValidationException",
        /^PreSignUp failed with error SyntaxError: Unexpected end of input\.$/,
      );
    } finally {
      sdk.destroy();
    }
  });
});

describe("triggers settings", () => {
  const invalid = (triggers: Record<string, unknown>, message: RegExp) => {
    expect(() => makeConfig({ triggers } as Parameters<typeof makeConfig>[0])).toThrow(ConfigError);
    expect(() => makeConfig({ triggers } as Parameters<typeof makeConfig>[0])).toThrow(message);
  };

  it("refuses what cannot work, naming the setting", () => {
    const fn = "arn:aws:lambda:us-east-1:123456789012:function:f";
    invalid(
      { functions: { [fn]: "http://127.0.0.1:1/f" } },
      /triggers\.functions\.arn:aws:lambda:us-east-1:123456789012:function:f: an http\(s\) target needs hmacSecret/,
    );
    invalid(
      { functions: { [fn]: "ftp://example.com/f" } },
      /must be "lambda", an http\(s\):\/\/ URL, or "module:<path>\[#export\]"/,
    );
    invalid(
      {
        customSenderKeys: {
          k: { rawAesKeyBase64: Buffer.alloc(20).toString("base64"), keyName: "n", keyNamespace: "ns" },
        },
      },
      /triggers\.customSenderKeys\.k\.rawAesKeyBase64: must be 16, 24 or 32 bytes/,
    );
    invalid({ lambda: { accessKeyId: "AKID" } }, /accessKeyId and secretAccessKey go together/);
    invalid({ timeoutMs: 0 }, /triggers\.timeoutMs/);
    // With a secret, here or for all http targets, the same target is fine.
    expect(
      makeConfig({
        triggers: { functions: { [fn]: { target: "https://h/f", hmacSecret: "0123456789abcdef" } } },
      }).triggers.functions[fn],
    ).toEqual({ target: "https://h/f", hmacSecret: "0123456789abcdef" });
    expect(makeConfig({}).triggers).toMatchObject({ functions: {}, timeoutMs: 5000, attempts: 3 });
  });

  it("resolves module paths from the config file's folder", () => {
    const dir = mkdtempSync(join(tmpdir(), "cognate-trigger-config-"));
    try {
      writeFileSync(
        join(dir, "c.json"),
        JSON.stringify({ triggers: { functions: { "*": "module:./t.mjs" } } }),
      );
      expect(loadConfig({ file: join(dir, "c.json") }).triggers.baseDir).toBe(dir);
      writeFileSync(join(dir, "d.json"), JSON.stringify({ triggers: { baseDir: "/srv/fns" } }));
      expect(loadConfig({ file: join(dir, "d.json") }).triggers.baseDir).toBe("/srv/fns");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
