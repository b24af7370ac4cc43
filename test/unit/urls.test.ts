import { describe, expect, it } from "vitest";
import { httpUrl, linkBaseUrl } from "../../src/config/urls.js";
import { confirmationLink } from "../../src/domain/templates.js";

describe("the server's own URL (confirmation links)", () => {
  it("names an IPv4 address or a host name as it is", () => {
    expect(httpUrl("127.0.0.1", 9229)).toBe("http://127.0.0.1:9229");
    expect(httpUrl("cognito.internal", 80)).toBe("http://cognito.internal:80");
  });

  it("brackets an IPv6 literal, escapes a zone id, and leaves a bracketed one alone", () => {
    expect(httpUrl("::1", 9229)).toBe("http://[::1]:9229");
    expect(httpUrl("::", 9229)).toBe("http://[::]:9229");
    expect(httpUrl("fe80::1%eth0", 9229)).toBe("http://[fe80::1%25eth0]:9229");
    expect(httpUrl("[::1]", 9229)).toBe("http://[::1]:9229");
    // Each is a URL a client can parse back to the same host and port.
    const u = new URL(httpUrl("2001:db8::7", 8443));
    expect([u.hostname, u.port]).toEqual(["[2001:db8::7]", "8443"]);
  });

  it("prefers the configured publicUrl, else the listening address", () => {
    expect(linkBaseUrl({ publicUrl: "https://id.example.com", host: "::1", port: 9229 })).toBe(
      "https://id.example.com",
    );
    expect(linkBaseUrl({ host: "::1", port: 9229 })).toBe("http://[::1]:9229");
    const link = confirmationLink({
      code: "123456",
      username: "ann",
      clientId: "c1",
      linkBaseUrl: linkBaseUrl({ host: "::1", port: 9229 }),
    });
    expect(new URL(link).host).toBe("[::1]:9229");
  });
});
