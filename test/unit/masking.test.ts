// CodeDeliveryDetails.Destination masks (COGNITO-BEHAVIOUR.md §2.4).
import { describe, expect, it } from "vitest";
import { maskDestination, maskEmail, maskPhone } from "../../src/domain/masking.js";

describe("maskEmail", () => {
  it("keeps the first character of the local part and of the domain, then the top-level label", () => {
    expect(maskEmail("test@example.com")).toBe("t***@e***.com");
    expect(maskEmail("rachel@gmail.com")).toBe("r***@g***.com");
    expect(maskEmail("a@b.co")).toBe("a***@b***.co");
  });

  it("shows only the last label of a multi-label domain", () => {
    expect(maskEmail("first.last@mail.example.co.uk")).toBe("f***@m***.uk");
  });

  it("hides the length of the local part and of the domain", () => {
    expect(maskEmail("a@example.com")).toBe("a***@e***.com");
    expect(maskEmail("abcdefghij@example.com")).toBe("a***@e***.com");
    expect(maskEmail("x@e.com")).toBe("x***@e***.com");
    expect(maskEmail("xylophone@enormous-domain.com")).toBe("x***@e***.com");
  });

  it("treats a domain without a dot, and non-ASCII first characters, sensibly", () => {
    expect(maskEmail("root@localhost")).toBe("r***@l***");
    expect(maskEmail("ümlaut@éxample.de")).toBe("ü***@é***.de");
    // A character outside the BMP is kept whole, not cut in half.
    expect(maskEmail("🙂smile@example.com")).toBe("🙂***@e***.com");
  });

  it("uses the last @ (a quoted local part may contain one)", () => {
    expect(maskEmail('"a@b"@example.com')).toBe('"***@e***.com');
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
    expect(maskDestination("EMAIL", "test@example.com")).toBe("t***@e***.com");
    expect(maskDestination("SMS", "+14155550123")).toBe("+*******0123");
  });
});
