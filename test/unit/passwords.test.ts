// Password policy messages (Cognito's wording) and password hashing.
import { describe, expect, it } from "vitest";
import {
  DEV_COST,
  hashPassword,
  passwordPolicyViolation,
  verifyPassword,
} from "../../src/domain/passwords.js";

const P = "Password did not conform with policy: ";

describe("passwordPolicyViolation", () => {
  it("accepts a password that meets the default policy", () => {
    expect(passwordPolicyViolation("Corr3ct-Horse!", undefined)).toBeNull();
    expect(passwordPolicyViolation("Aa1^aaaa", {})).toBeNull();
  });

  it("names the first rule broken, in Cognito's words and order", () => {
    expect(passwordPolicyViolation("Aa1!", undefined)).toBe(`${P}Password not long enough`);
    expect(passwordPolicyViolation("short", undefined)).toBe(`${P}Password not long enough`);
    expect(passwordPolicyViolation("lower-case-1", undefined)).toBe(
      `${P}Password must have uppercase characters`,
    );
    expect(passwordPolicyViolation("UPPER-CASE-1", undefined)).toBe(
      `${P}Password must have lowercase characters`,
    );
    expect(passwordPolicyViolation("No-Numbers-Here", undefined)).toBe(
      `${P}Password must have numeric characters`,
    );
    expect(passwordPolicyViolation("NoSymbols123", undefined)).toBe(
      `${P}Password must have symbol characters`,
    );
  });

  it("follows the pool's policy", () => {
    const lax = {
      MinimumLength: 6,
      RequireUppercase: false,
      RequireLowercase: false,
      RequireNumbers: false,
      RequireSymbols: false,
    };
    expect(passwordPolicyViolation("abcdef", lax)).toBeNull();
    expect(passwordPolicyViolation("abcde", lax)).toBe(`${P}Password not long enough`);
    expect(passwordPolicyViolation("Abcdefgh1!", { MinimumLength: 12 })).toBe(`${P}Password not long enough`);
    expect(passwordPolicyViolation("abcdefgh", { ...lax, RequireNumbers: true })).toBe(
      `${P}Password must have numeric characters`,
    );
  });

  it("counts Cognito's special characters (space included) as symbols, and only those", () => {
    for (const sym of [
      "^",
      "$",
      "*",
      ".",
      "[",
      "]",
      "{",
      "}",
      "(",
      ")",
      "?",
      '"',
      "!",
      "@",
      "#",
      "%",
      "&",
      "/",
      "\\",
      ",",
      ">",
      "<",
      "'",
      ":",
      ";",
      "|",
      "_",
      "~",
      "`",
      "=",
      "+",
      "-",
      " ",
    ]) {
      expect(passwordPolicyViolation(`Abcdefg1${sym}`, undefined), sym).toBeNull();
    }
    for (const notSym of ["€", "§", "£", "é"]) {
      expect(passwordPolicyViolation(`Abcdefg1${notSym}`, undefined), notSym).toBe(
        `${P}Password must have symbol characters`,
      );
    }
  });
});

describe("hashPassword / verifyPassword", () => {
  it("verifies the right password only; every hash is salted", async () => {
    const h1 = await hashPassword("Corr3ct-Horse!", DEV_COST);
    const h2 = await hashPassword("Corr3ct-Horse!", DEV_COST);
    expect(h1).toMatch(new RegExp(`^\\$scrypt\\$ln=${DEV_COST.ln},r=8,p=1\\$[\\w-]+\\$[\\w-]+$`));
    expect(h1).not.toBe(h2);
    expect(h1).not.toContain("Corr3ct-Horse!");
    expect(await verifyPassword("Corr3ct-Horse!", h1)).toBe(true);
    expect(await verifyPassword("Corr3ct-Horse!", h2)).toBe(true);
    expect(await verifyPassword("corr3ct-Horse!", h1)).toBe(false);
    expect(await verifyPassword("", h1)).toBe(false);
  });

  it("treats canonically equivalent Unicode passwords alike (NFC)", async () => {
    const composed = "Caf\u00e9-Pass1";
    const decomposed = "Cafe\u0301-Pass1";
    const h = await hashPassword(composed, DEV_COST);
    expect(await verifyPassword(decomposed, h)).toBe(true);
  });

  it("refuses a malformed stored hash instead of throwing", async () => {
    for (const bad of ["", "plain", "$scrypt$ln=10,r=8$abc$def", "$bcrypt$xyz"]) {
      expect(await verifyPassword("x", bad)).toBe(false);
    }
  });
});
