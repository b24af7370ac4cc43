// The README's supported-operations table, computed from the operations registry (the
// support matrix) and the service model. Shared by scripts/gen-readme-table.mjs, which writes
// it into README.md, and by test/unit/readme-table.test.ts, which checks README.md is current.

import { readFileSync } from "node:fs";

export const START_MARKER = "<!-- operations:start -->";
export const END_MARKER = "<!-- operations:end -->";

/** Pads every cell to its column's width, as Markdown formatters lay tables out. */
function alignedTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}

/**
 * Operations whose input takes an `AccessToken`: the user's own token is their credential
 * (ChangePassword, GetUser, …; GetDevice and ForgetDevice, where the model leaves it optional
 * but offers no other credential, too), read from the service model.
 * @returns {Set<string>}
 */
export function accessTokenOperations() {
  const model = JSON.parse(
    readFileSync(new URL("../model/cognito-idp-2016-04-18.model.json", import.meta.url), "utf8"),
  );
  const names = new Set();
  for (const [name, op] of Object.entries(model.operations)) {
    const input = op.input ? model.shapes[op.input.shape] : undefined;
    const members = input?.members ?? {};
    // AssociateSoftwareToken / VerifySoftwareToken take a Session instead when signing in.
    const optional = members.AccessToken !== undefined && members.Session === undefined;
    if (input?.required?.includes("AccessToken") || optional) names.add(name);
  }
  return names;
}

/** The table's authentication cell for one operation. */
export function authLabel(name, entry, tokenOps) {
  if (entry.auth !== "none") return "SigV4 (admin)";
  return tokenOps.has(name) ? "access token" : "none (public)";
}

/**
 * @param {readonly { name: string }[]} ops the registry, in its order
 * @param {Readonly<Record<string, { auth: "none" | "sigv4" }>>} model every model operation
 * @returns {string}
 */
export function supportTable(ops, model) {
  const tokenOps = accessTokenOperations();
  const rows = ops.map((o) => {
    const entry = model[o.name];
    if (!entry) throw new Error(`${o.name} is registered but not in the service model`);
    return [`\`${o.name}\``, authLabel(o.name, entry, tokenOps)];
  });
  const total = Object.keys(model).length;
  return [
    `Cognate implements ${ops.length} of the ${total} operations in the \`cognito-idp\` model. Every other`,
    "operation answers `InvalidParameterException` (HTTP 400) naming it as not supported yet.",
    "",
    ...alignedTable(["Operation", "Authentication"], rows),
  ].join("\n");
}

/** The text between the README's markers. */
export function currentTable(readme) {
  const i = readme.indexOf(START_MARKER);
  const j = readme.indexOf(END_MARKER);
  if (i < 0 || j < i) throw new Error("README.md has no operations markers");
  return readme
    .slice(i + START_MARKER.length, j)
    .replace(/^\n/, "")
    .replace(/\n$/, "");
}

/** README text with the table between the markers replaced. */
export function withTable(readme, table) {
  const i = readme.indexOf(START_MARKER);
  const j = readme.indexOf(END_MARKER);
  if (i < 0 || j < i) throw new Error("README.md has no operations markers");
  return `${readme.slice(0, i + START_MARKER.length)}\n${table}\n${readme.slice(j)}`;
}
