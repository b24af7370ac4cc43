#!/usr/bin/env node
// Generates src/protocol/generated/model.ts and shapes.ts from the AWS service model in model/.
//
// model.ts: for every operation, the wire facts the protocol layer needs (auth type, input
// validator, modeled errors) and, for every input shape, a specialised validator function that
// checks JSON types (SerializationException) and the model's constraints (required, length,
// pattern, enum, range) the way Coral reports them.
// shapes.ts: the TypeScript types of every operation's input and output (scripts/lib/shapes.mjs).
// The output is committed; rerun with `npm run gen` after changing the model. `--check` only
// reports whether the committed files are current (the unit tests run it).
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { shapesFile } from "./lib/shapes.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const model = JSON.parse(readFileSync(join(root, "model/cognito-idp-2016-04-18.model.json"), "utf8"));
const shapes = model.shapes;

const lowerCamel = (name) => name.charAt(0).toLowerCase() + name.slice(1);
const ident = (shapeName) => `v_${shapeName}`;

// Java's \s is [ \t\n\x0B\f\r] (no U+00A0, no other Unicode spaces); JS's \s is wider, so
// rewrite it. Inside a character class the members are inlined; outside, a class is used.
// Java's `.` (without DOTALL) also refuses U+0085 (NEXT LINE), which JS's `.` accepts, so an
// unescaped `.` outside a class becomes an explicit class of Java's line terminators.
function javaPatternToJs(pattern) {
  let flags = "u";
  let p = pattern;
  let dotAll = false;
  if (p.startsWith("(?s)")) {
    flags += "s";
    dotAll = true;
    p = p.slice(4);
  }
  const JAVA_SPACE = "\\t\\n\\x0B\\f\\r ";
  const JAVA_DOT = "[^\\n\\r\\u0085\\u2028\\u2029]";
  let out = "";
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const ch = p[i];
    if (ch === "\\") {
      const next = p[i + 1];
      if (next === "s") {
        out += inClass ? JAVA_SPACE : `[${JAVA_SPACE}]`;
      } else if (next === "S") {
        if (inClass) {
          // Only "[\S]" occurs in the model; a lone \S inside a larger class is not supported.
          if (p.slice(i - 1, i + 3) !== "[\\S]") throw new Error(`unsupported \\S in class: ${pattern}`);
          out = `${out.slice(0, -1)}[^${JAVA_SPACE}`;
        } else {
          out += `[^${JAVA_SPACE}]`;
        }
      } else {
        out += ch + next;
      }
      i++;
      continue;
    }
    if (ch === "[") inClass = true;
    if (ch === "]") inClass = false;
    if (ch === "." && !inClass && !dotAll) {
      out += JAVA_DOT;
      continue;
    }
    out += ch;
  }
  const re = new RegExp(`^(?:${out})$`, flags);
  return { source: re.source, flags };
}

const patterns = new Map(); // model pattern -> const name
function patternConst(pattern) {
  let name = patterns.get(pattern);
  if (!name) {
    name = `P${patterns.size}`;
    patterns.set(pattern, name);
  }
  return name;
}

const emitted = new Set();
const functions = [];

/** Maps whose null values are skipped rather than refused (see the map case below). */
const NULL_TOLERANT_MAPS = new Set(["AuthParametersType", "ChallengeResponsesType"]);

function emitShape(name) {
  if (emitted.has(name)) return;
  emitted.add(name);
  const s = shapes[name];
  if (!s) throw new Error(`unknown shape ${name}`);
  const fn = ident(name);
  const lines = [];
  const sens = s.sensitive ? "true" : "s";
  lines.push(`function ${fn}(v: unknown, p: string, c: Ctx, s: boolean): void {`);
  if (s.sensitive) lines.push("  void s;");
  switch (s.type) {
    case "structure": {
      if (s.document) {
        lines.push("  void v; void p; void c; void s;");
        break;
      }
      lines.push(`  if (!isPlainObject(v)) return c.typeError(p, v, "structure");`);
      const req = new Set(s.required ?? []);
      const members = Object.entries(s.members ?? {});
      if (members.length) lines.push("  let m: unknown;");
      for (const [mName, ref] of members) {
        const target = ref.shape;
        emitShape(target);
        const path = `join(p, ${JSON.stringify(lowerCamel(mName))})`;
        lines.push(`  m = v[${JSON.stringify(mName)}];`);
        if (req.has(mName)) {
          lines.push(`  if (m === undefined || m === null) c.missing(${path});`);
          lines.push(`  else ${ident(target)}(m, ${path}, c, ${sens});`);
        } else {
          lines.push(`  if (m !== undefined && m !== null) ${ident(target)}(m, ${path}, c, ${sens});`);
        }
      }
      break;
    }
    case "list": {
      emitShape(s.member.shape);
      lines.push(`  if (!Array.isArray(v)) return c.typeError(p, v, "list");`);
      if (s.min !== undefined)
        lines.push(
          `  if (v.length < ${s.min}) c.bad(p, v, ${sens}, "Member must have length greater than or equal to ${s.min}");`,
        );
      if (s.max !== undefined)
        lines.push(
          `  if (v.length > ${s.max}) c.bad(p, v, ${sens}, "Member must have length less than or equal to ${s.max}");`,
        );
      lines.push("  for (let i = 0; i < v.length; i++) {");
      lines.push("    const e = v[i];");
      lines.push(`    if (e === null || e === undefined) c.missing(join(p, \`\${i + 1}.member\`));`);
      lines.push(`    else ${ident(s.member.shape)}(e, join(p, \`\${i + 1}.member\`), c, ${sens});`);
      lines.push("  }");
      break;
    }
    case "map": {
      emitShape(s.key.shape);
      emitShape(s.value.shape);
      lines.push(`  if (!isPlainObject(v)) return c.typeError(p, v, "map");`);
      lines.push("  const keys = Object.keys(v);");
      if (s.min !== undefined)
        lines.push(
          `  if (keys.length < ${s.min}) c.bad(p, v, ${sens}, "Member must have length greater than or equal to ${s.min}");`,
        );
      if (s.max !== undefined)
        lines.push(
          `  if (keys.length > ${s.max}) c.bad(p, v, ${sens}, "Member must have length less than or equal to ${s.max}");`,
        );
      lines.push("  for (const k of keys) {");
      lines.push(`    ${ident(s.key.shape)}(k, join(p, "key"), c, ${sens});`);
      lines.push("    const e = v[k];");
      // Sign-in parameter maps take a null value as an absent one: amazon-cognito-identity-js
      // sends `"DEVICE_KEY": null` when its storage holds no device key (every refresh in a
      // browser without one, and its retry after "Device does not exist."; docs/devices.md).
      if (NULL_TOLERANT_MAPS.has(name)) lines.push("    if (e === null) continue;");
      lines.push(`    if (e === null || e === undefined) c.missing(join(p, "value"));`);
      lines.push(`    else ${ident(s.value.shape)}(e, join(p, "value"), c, ${sens});`);
      lines.push("  }");
      break;
    }
    case "string": {
      lines.push(`  if (typeof v !== "string") return c.typeError(p, v, "string");`);
      const needLen = s.min !== undefined || s.max !== undefined;
      if (needLen) lines.push("  const n = codePointLength(v);");
      if (s.min !== undefined)
        lines.push(
          `  if (n < ${s.min}) c.bad(p, v, ${sens}, "Member must have length greater than or equal to ${s.min}");`,
        );
      if (s.max !== undefined)
        lines.push(
          `  if (n > ${s.max}) c.bad(p, v, ${sens}, "Member must have length less than or equal to ${s.max}");`,
        );
      if (s.pattern !== undefined) {
        const pc = patternConst(s.pattern);
        lines.push(
          `  if (!${pc}.test(v)) c.bad(p, v, ${sens}, ${JSON.stringify(`Member must satisfy regular expression pattern: ${s.pattern}`)});`,
        );
      }
      if (s.enum !== undefined) {
        lines.push(
          `  if (!${JSON.stringify(s.enum)}.includes(v)) c.bad(p, v, ${sens}, ${JSON.stringify(`Member must satisfy enum value set: [${s.enum.join(", ")}]`)});`,
        );
      }
      if (!needLen && s.pattern === undefined && s.enum === undefined)
        lines.push("  void p; void c; void s;");
      break;
    }
    case "integer":
    case "long": {
      lines.push(`  if (typeof v !== "number" || !Number.isInteger(v)) return c.typeError(p, v, "integer");`);
      if (s.min !== undefined)
        lines.push(
          `  if (v < ${s.min}) c.bad(p, v, ${sens}, "Member must have value greater than or equal to ${s.min}");`,
        );
      if (s.max !== undefined)
        lines.push(
          `  if (v > ${s.max}) c.bad(p, v, ${sens}, "Member must have value less than or equal to ${s.max}");`,
        );
      if (s.min === undefined && s.max === undefined) lines.push("  void s;");
      break;
    }
    case "boolean":
      lines.push(`  if (typeof v !== "boolean") return c.typeError(p, v, "boolean");`);
      lines.push("  void s;");
      break;
    case "timestamp":
      lines.push(`  if (typeof v !== "number") return c.typeError(p, v, "timestamp");`);
      lines.push("  void s;");
      break;
    case "blob": {
      lines.push(`  if (typeof v !== "string") return c.typeError(p, v, "blob");`);
      if (s.max !== undefined)
        lines.push(
          `  if (base64DecodedLength(v) > ${s.max}) c.bad(p, v, s, "Member must have length less than or equal to ${s.max}");`,
        );
      else lines.push("  void s;");
      break;
    }
    default:
      throw new Error(`unhandled shape type ${s.type} (${name})`);
  }
  lines.push("}");
  functions.push(lines.join("\n"));
}

const ops = Object.values(model.operations).sort((a, b) => a.name.localeCompare(b.name));
const opEntries = [];
const errorEntries = [];
for (const op of ops) {
  const input = op.input?.shape;
  if (input) emitShape(input);
  errorEntries.push(`  ${op.name}: ${JSON.stringify((op.errors ?? []).map((e) => e.shape))},`);
  opEntries.push(
    `  ${op.name}: { auth: ${JSON.stringify(op.authtype === "none" ? "none" : "sigv4")}, input: ${input ? ident(input) : "null"}, errors: MODEL_ERRORS.${op.name} },`,
  );
}

// Every member name whose target shape is sensitive, or that sits in a sensitive structure:
// the log redaction list is built from this.
const sensitiveMembers = new Set();
for (const s of Object.values(shapes)) {
  if (s.type !== "structure") continue;
  for (const [mName, ref] of Object.entries(s.members ?? {})) {
    if (s.sensitive || shapes[ref.shape]?.sensitive) sensitiveMembers.add(mName);
  }
}

const exceptions = Object.entries(shapes)
  .filter(([, s]) => s.exception)
  .map(([n, s]) => `  ${n}: ${s.fault ? '"server"' : '"client"'},`);

const out = `// GENERATED by scripts/gen-validators.mjs from model/cognito-idp-2016-04-18.model.json.
// Do not edit by hand: run \`npm run gen\`.
import { base64DecodedLength, codePointLength, type Ctx, isPlainObject, join } from "../validationRuntime.js";
import type { ExceptionName, OperationName, Operations } from "./shapes.js";

${[...patterns.entries()]
  .map(([p, n]) => {
    const { source, flags } = javaPatternToJs(p);
    return `const ${n} = new RegExp(${JSON.stringify(source)}, ${JSON.stringify(flags)});`;
  })
  .join("\n")}

${functions.join("\n\n")}

export type Validator = (v: unknown, p: string, c: Ctx, s: boolean) => void;

export interface ModelOperation {
  readonly auth: "none" | "sigv4";
  readonly input: Validator | null;
  readonly errors: readonly ExceptionName[];
}

/** Each operation's modeled errors: the only ones it may answer with (besides protocol errors). */
export const MODEL_ERRORS: { readonly [N in OperationName]: Operations[N]["errors"] } = {
${errorEntries.join("\n")}
};

/** Every operation of the service model, with its auth type, input validator and modeled errors. */
export const MODEL_OPERATIONS: Readonly<Record<string, ModelOperation>> = {
${opEntries.join("\n")}
};

/** Fault of every modeled exception: "server" ones are answered with HTTP 500. */
export const MODEL_EXCEPTIONS: Readonly<Record<ExceptionName, "client" | "server">> = {
${exceptions.join("\n")}
};

/** Request member names the model marks sensitive (directly or through a sensitive structure). */
export const SENSITIVE_MEMBERS: readonly string[] = ${JSON.stringify([...sensitiveMembers].sort())};

export const TARGET_PREFIX = ${JSON.stringify(model.metadata.targetPrefix)};
`;

const files = [
  { path: "src/protocol/generated/model.ts", text: out },
  { path: "src/protocol/generated/shapes.ts", text: shapesFile(model) },
];
if (process.argv.includes("--check")) {
  // Used by the unit tests and CI: the committed files must be what this script generates.
  let stale = false;
  for (const f of files) {
    let current = null;
    try {
      current = readFileSync(join(root, f.path), "utf8");
    } catch {
      // missing: stale
    }
    if (current !== f.text) {
      console.error(`${f.path} is out of date: run \`npm run gen\``);
      stale = true;
    }
  }
  if (stale) process.exit(1);
  console.log("src/protocol/generated/ is up to date");
} else {
  for (const f of files) writeFileSync(join(root, f.path), f.text);
  console.log(
    `wrote src/protocol/generated/: ${ops.length} operations, ${functions.length} shape validators, ${patterns.size} patterns, and their types`,
  );
}
