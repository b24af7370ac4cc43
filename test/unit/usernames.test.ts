// A username and its lookup key are distinct branded types (src/domain/usernames.ts), made
// only by that module's functions: no other source file may cast to either.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { asUsername, usernameKey } from "../../src/domain/usernames.js";

const SRC = join(import.meta.dirname, "../../src");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith(".ts") ? [p] : [];
  });
}

describe("usernames", () => {
  it("the lookup key folds case only in case-insensitive pools; the username is kept as given", () => {
    expect(usernameKey("Alice", true)).toBe("alice");
    expect(usernameKey("Alice", false)).toBe("Alice");
    expect(asUsername("Alice")).toBe("Alice");
  });

  it("no source file but src/domain/usernames.ts casts to Username or UsernameKey", () => {
    const casts = sources(SRC)
      .filter((f) => !f.endsWith(join("domain", "usernames.ts")))
      .filter((f) => /\bas (Username|UsernameKey)\b/.test(readFileSync(f, "utf8")))
      .map((f) => relative(SRC, f));
    expect(casts).toEqual([]);
  });
});
