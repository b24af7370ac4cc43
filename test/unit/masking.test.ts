// CodeDeliveryDetails.Destination masks (docs/security.md, "What an answer reveals").
import { describe, expect, it } from "vitest";
import { maskDestination, maskEmail, maskPhone } from "../../src/domain/masking.js";

describe("maskEmail", () => {
  it("keeps the first character of the local part and of the domain, and no top-level label", () => {
    // Current Cognito: test@test.com → t***@t*** (no TLD), in SignUp and ForgotPassword answers.
    expect(maskEmail("test@test.com")).toBe("t***@t***");
    expect(maskEmail("test@example.com")).toBe("t***@e***");
    expect(maskEmail("rachel@gmail.com")).toBe("r***@g***");
    expect(maskEmail("a@b.co")).toBe("a***@b***");
  });

  it("shows nothing of a multi-label domain beyond its first character", () => {
    expect(maskEmail("first.last@mail.example.co.uk")).toBe("f***@m***");
  });

  it("hides the length of the local part and of the domain", () => {
    expect(maskEmail("a@example.com")).toBe("a***@e***");
    expect(maskEmail("abcdefghij@example.com")).toBe("a***@e***");
    expect(maskEmail("x@e.com")).toBe("x***@e***");
    expect(maskEmail("xylophone@enormous-domain.com")).toBe("x***@e***");
  });

  it("treats a domain without a dot, and non-ASCII first characters, sensibly", () => {
    expect(maskEmail("root@localhost")).toBe("r***@l***");
    expect(maskEmail("ümlaut@éxample.de")).toBe("ü***@é***");
    // A character outside the BMP is kept whole, not cut in half.
    expect(maskEmail("🙂smile@example.com")).toBe("🙂***@e***");
  });

  it("uses the last @ (a quoted local part may contain one)", () => {
    expect(maskEmail('"a@b"@example.com')).toBe('"***@e***');
  });
});

describe("maskPhone", () => {
  it("shows + then one * per hidden digit and the last four digits", () => {
    expect(maskPhone("+14155550123")).toBe("+*******0123");
    expect(maskPhone("+919876541824")).toBe("+********1824");
    expect(maskPhone("+5511998764516")).toBe("+*********4516");
  });

  it("ignores formatting characters and never shows more than four digits", () => {
    expect(maskPhone("+1 (415) 555-0123")).toBe("+*******0123");
    expect(maskPhone("+1234")).toBe("+1234");
    expect(maskPhone("+12")).toBe("+12");
  });
});

describe("maskDestination", () => {
  it("picks the mask by medium", () => {
    expect(maskDestination("EMAIL", "test@example.com")).toBe("t***@e***");
    expect(maskDestination("SMS", "+14155550123")).toBe("+*******0123");
  });
});
