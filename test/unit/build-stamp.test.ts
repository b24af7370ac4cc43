// `npm start` compiles only when dist/ is older than the sources (scripts/build.mjs
// --if-stale): the freshness check, on a throwaway tree with chosen modification times.
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isCurrent } from "../../scripts/build.mjs";

let root: string;
const at = (path: string, seconds: number) => utimesSync(join(root, path), seconds, seconds);
function file(path: string, seconds: number): void {
  writeFileSync(join(root, path), "x");
  at(path, seconds);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "cognate-build-stamp-"));
  for (const d of ["src/domain", "dist/cli"]) mkdirSync(join(root, d), { recursive: true });
  file("src/main.ts", 1000);
  file("src/domain/codes.ts", 1000);
  file("tsconfig.json", 1000);
  file("tsconfig.build.json", 1000);
  at("src/domain", 1000);
  at("src", 1000);
  file("dist/cli/main.js", 2000);
  file("dist/.build-stamp", 2000);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("scripts/build.mjs isCurrent", () => {
  it("holds when the stamp is newer than every source, folder and tsconfig", () => {
    expect(isCurrent(root)).toBe(true);
  });

  it("fails when one source file is newer than the stamp, however deep", () => {
    at("src/domain/codes.ts", 3000);
    expect(isCurrent(root)).toBe(false);
  });

  it("fails when a file was deleted (its folder is newer) or a tsconfig changed", () => {
    unlinkSync(join(root, "src/domain/codes.ts"));
    at("src/domain", 3000);
    expect(isCurrent(root)).toBe(false);
    at("src/domain", 1000);
    expect(isCurrent(root)).toBe(true);
    at("tsconfig.build.json", 3000);
    expect(isCurrent(root)).toBe(false);
  });

  it("fails without a stamp or without the compiled entry point", () => {
    unlinkSync(join(root, "dist/.build-stamp"));
    expect(isCurrent(root)).toBe(false);
    file("dist/.build-stamp", 2000);
    unlinkSync(join(root, "dist/cli/main.js"));
    expect(isCurrent(root)).toBe(false);
  });

  it("an installed package (dist/ without src/) is current when its entry point exists", () => {
    rmSync(join(root, "src"), { recursive: true });
    unlinkSync(join(root, "dist/.build-stamp"));
    expect(isCurrent(root)).toBe(true);
  });
});
