// The generated input validators (src/protocol/generated/model.ts) and their runtime: Coral's
// message format, Java regex semantics, sensitive values, JSON type errors.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { MODEL_OPERATIONS, SENSITIVE_MEMBERS, TARGET_PREFIX } from "../../src/protocol/generated/model.js";
import { Ctx, codePointLength, SerializationFault } from "../../src/protocol/validationRuntime.js";

/** Runs an operation's input validator: the InvalidParameterException message or null. */
function validate(operation: string, input: unknown): string | null {
  const op = MODEL_OPERATIONS[operation];
  if (!op?.input) throw new Error(`no validator for ${operation}`);
  const c = new Ctx();
  op.input(input, "", c, false);
  return c.message();
}

/** The SerializationException message a JSON type mismatch produces. */
function typeError(operation: string, input: unknown): string {
  try {
    validate(operation, input);
  } catch (e) {
    if (e instanceof SerializationFault) return e.message;
    throw e;
  }
  throw new Error("no type error");
}

const USERNAME_PATTERN = "[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+";
const usernameError =
  (op = "ResendConfirmationCode") =>
  (username: string) =>
    validate(op, { ClientId: "client1", Username: username });

describe("generated model", () => {
  it("covers every operation of the model with its auth type", () => {
    expect(Object.keys(MODEL_OPERATIONS)).toHaveLength(122);
    expect(TARGET_PREFIX).toBe("AWSCognitoIdentityProviderService");
    expect(MODEL_OPERATIONS.SignUp?.auth).toBe("none");
    expect(MODEL_OPERATIONS.ResendConfirmationCode?.auth).toBe("none");
    expect(MODEL_OPERATIONS.ConfirmSignUp?.auth).toBe("none");
    expect(MODEL_OPERATIONS.AdminConfirmSignUp?.auth).toBe("sigv4");
    expect(MODEL_OPERATIONS.CreateUserPool?.auth).toBe("sigv4");
    expect(MODEL_OPERATIONS.ResendConfirmationCode?.errors).toContain("CodeDeliveryFailureException");
  });

  it("lists sensitive members for log redaction", () => {
    for (const m of ["Password", "SecretHash", "ClientId", "Username", "ClientSecret", "UserContextData"]) {
      expect(SENSITIVE_MEMBERS).toContain(m);
    }
    expect(SENSITIVE_MEMBERS).not.toContain("PoolName");
  });

  it("is what scripts/gen-validators.mjs generates from the model (committed output is current)", () => {
    const r = spawnSync(process.execPath, ["scripts/gen-validators.mjs", "--check"], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});

describe("Unicode property patterns", () => {
  const check = usernameError();

  it("accept letters, marks, symbols, numbers and punctuation of any script", () => {
    for (const name of [
      "alice",
      "jürgen",
      "用户名",
      "Ωμέγα",
      "e\u0301",
      "€uro",
      "🙂",
      "a.b-c_d@e+f",
      "१२३",
    ]) {
      expect(check(name), name).toBeNull();
    }
  });

  it("refuse separators and control characters, and say so in Coral's words", () => {
    for (const name of ["a b", "a\u00a0b", "a\u2003b", "tab\there", "new\nline", "nul\u0000"]) {
      expect(check(name), JSON.stringify(name)).toBe(
        `1 validation error detected: Value at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: ${USERNAME_PATTERN}`,
      );
    }
  });

  it("count length in code points, not UTF-16 units", () => {
    expect(codePointLength("🙂🙂")).toBe(2);
    expect(codePointLength("abc")).toBe(3);
    expect(check("🙂".repeat(128))).toBeNull();
    expect(check("🙂".repeat(129))).toBe(
      "1 validation error detected: Value at 'username' failed to satisfy constraint: Member must have length less than or equal to 128",
    );
  });
});

describe("Java regex semantics", () => {
  const subject = (EmailSubject: string) =>
    validate("UpdateUserPool", {
      UserPoolId: "us-east-1_abc",
      VerificationMessageTemplate: { EmailSubject },
    });
  const emailMessage = (EmailMessage: string) =>
    validate("UpdateUserPool", {
      UserPoolId: "us-east-1_abc",
      VerificationMessageTemplate: { EmailMessage },
    });
  const smsMessage = (SmsMessage: string) =>
    validate("UpdateUserPool", { UserPoolId: "us-east-1_abc", VerificationMessageTemplate: { SmsMessage } });
  const password = (Password: string) => validate("SignUp", { ClientId: "c1", Username: "u", Password });

  it("\\s is [ \\t\\n\\x0B\\f\\r]: U+00A0 and other Unicode spaces are not whitespace", () => {
    expect(subject("Your code")).toBeNull();
    expect(subject("Your\tcode\r\n\u000b\f")).toBeNull();
    for (const space of ["\u00a0", "\u2003", "\u3000", "\u2028"]) {
      expect(subject(`Your${space}code`), JSON.stringify(space)).toMatch(
        /^1 validation error detected: Value '.*' at 'verificationMessageTemplate\.emailSubject' failed to satisfy constraint: Member must satisfy regular expression pattern: \[\\p\{L\}\\p\{M\}\\p\{S\}\\p\{N\}\\p\{P\}\\s\]\+$/su,
      );
    }
    expect(emailMessage("Hello\n\t{####}\r\n")).toBeNull();
    expect(emailMessage("Hello\u00a0{####}")).not.toBeNull();
  });

  it("\\S is everything else: U+00A0 counts as a non-space character", () => {
    expect(password("pass\u00a0word!A1")).toBeNull();
    expect(password("\u00a0")).toBeNull();
    expect(password("has space")).toBe(
      "1 validation error detected: Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\S]+",
    );
    expect(password("tab\t")).not.toBeNull();
  });

  it("`.` stops at Java's line terminators, U+0085 included", () => {
    expect(smsMessage("Code {####} now")).toBeNull();
    for (const t of ["\n", "\r", "\u0085", "\u2028", "\u2029"]) {
      expect(smsMessage(`Code${t}{####}`), JSON.stringify(t)).toMatch(
        /Member must satisfy regular expression pattern: \.\*/,
      );
    }
    expect(smsMessage("Code {###}")).not.toBeNull();
  });

  it("matches the whole value, never a part of it", () => {
    expect(validate("DescribeUserPool", { UserPoolId: "us-east-1_abc" })).toBeNull();
    expect(validate("DescribeUserPool", { UserPoolId: "x us-east-1_abc" })).not.toBeNull();
    expect(validate("DescribeUserPool", { UserPoolId: "us-east-1_abc!" })).not.toBeNull();
    expect(validate("DescribeUserPool", { UserPoolId: "us-east-1_abc\n" })).not.toBeNull();
  });
});

describe("Coral's message format", () => {
  it("collects every violation, in member order, counted (codes are not sensitive in the model)", () => {
    expect(validate("ConfirmSignUp", { ClientId: "", ConfirmationCode: "1 2", Username: "" })).toBe(
      [
        "5 validation errors detected: Value '' at 'clientId' failed to satisfy constraint: Member must have length greater than or equal to 1",
        "Value '' at 'clientId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+]+",
        "Value '1 2' at 'confirmationCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\S]+",
        "Value '' at 'username' failed to satisfy constraint: Member must have length greater than or equal to 1",
        "Value '' at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+",
      ].join("; "),
    );
  });

  it("reports absent and null required members as null", () => {
    expect(validate("ResendConfirmationCode", { Username: "u", ClientId: null })).toBe(
      "1 validation error detected: Value null at 'clientId' failed to satisfy constraint: Member must not be null",
    );
    expect(validate("ResendConfirmationCode", {})).toBe(
      "2 validation errors detected: Value null at 'clientId' failed to satisfy constraint: Member must not be null; Value null at 'username' failed to satisfy constraint: Member must not be null",
    );
  });

  it("quotes numbers, echoes non-sensitive values, lists enum values", () => {
    expect(validate("ListUsers", { UserPoolId: "us-east-1_abc", Limit: 61 })).toBe(
      "1 validation error detected: Value '61' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60",
    );
    expect(validate("ListUsers", { UserPoolId: "us-east-1_abc", Limit: -1 })).toBe(
      "1 validation error detected: Value '-1' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 0",
    );
    expect(validate("CreateUserPool", { PoolName: "p", DeletionProtection: "ON" })).toBe(
      "1 validation error detected: Value 'ON' at 'deletionProtection' failed to satisfy constraint: Member must satisfy enum value set: [ACTIVE, INACTIVE]",
    );
  });

  it("names nested members with dotted lower-camel paths and list items Coral-style", () => {
    const msg = validate("CreateUserPool", { PoolName: "p", AutoVerifiedAttributes: ["email", "fax"] });
    expect(msg).toBe(
      "1 validation error detected: Value 'fax' at 'autoVerifiedAttributes.2.member' failed to satisfy constraint: Member must satisfy enum value set: [phone_number, email]",
    );
    const nested = validate("SignUp", {
      ClientId: "c1",
      Username: "u",
      UserAttributes: [{ Name: "email", Value: "a@b.c" }, { Value: "x" }],
    });
    expect(nested).toBe(
      "1 validation error detected: Value null at 'userAttributes.2.member.name' failed to satisfy constraint: Member must not be null",
    );
  });

  it("takes a null value in AuthParameters / ChallengeResponses as absent (identity-js's DEVICE_KEY: null); other maps refuse it", () => {
    expect(
      validate("InitiateAuth", {
        ClientId: "c1",
        AuthFlow: "REFRESH_TOKEN_AUTH",
        AuthParameters: { REFRESH_TOKEN: "t", DEVICE_KEY: null },
      }),
    ).toBeNull();
    expect(
      validate("RespondToAuthChallenge", {
        ClientId: "c1",
        ChallengeName: "PASSWORD_VERIFIER",
        ChallengeResponses: { USERNAME: "u", DEVICE_KEY: null },
      }),
    ).toBeNull();
    expect(
      validate("InitiateAuth", {
        ClientId: "c1",
        AuthFlow: "REFRESH_TOKEN_AUTH",
        AuthParameters: { REFRESH_TOKEN: "t" },
        ClientMetadata: { k: null },
      }),
    ).toBe(
      "1 validation error detected: Value null at 'clientMetadata.value' failed to satisfy constraint: Member must not be null",
    );
  });

  it("never echoes a non-empty sensitive value, nested ones included; shows '' for empty", () => {
    const long = "s".repeat(2049);
    const msg = validate("SignUp", {
      ClientId: "c1",
      Username: "u",
      UserAttributes: [{ Name: "email", Value: long }],
      SecretHash: "bad hash",
    });
    expect(msg).toBe(
      "2 validation errors detected: Value at 'secretHash' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=/]+; Value at 'userAttributes.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 2048",
    );
    expect(msg).not.toContain("bad hash");
    expect(msg).not.toContain(long);
    expect(validate("SignUp", { ClientId: "c1", Username: "u", Password: "" })).toContain(
      "Value '' at 'password'",
    );
  });

  it("truncates very long non-sensitive values", () => {
    const msg = validate("CreateUserPool", { PoolName: `${"x".repeat(5000)}!` }) ?? "";
    // Two violations (length, pattern), each showing at most 1024 characters of the value.
    expect(msg.startsWith("2 validation errors detected: ")).toBe(true);
    expect(msg.length).toBeLessThan(2 * 1200);
    expect(msg.split("...' at 'poolName'")).toHaveLength(3);
  });
});

describe("JSON type mismatches (SerializationException)", () => {
  it("uses Coral's wording for each shape type", () => {
    expect(typeError("ListUserPools", { MaxResults: "1" })).toBe(
      "STRING_VALUE can not be converted to an Integer",
    );
    expect(typeError("ListUserPools", { MaxResults: true })).toBe(
      "TRUE_VALUE can not be converted to an Integer",
    );
    expect(typeError("ListUserPools", { MaxResults: 1, NextToken: 5 })).toBe(
      "NUMBER_VALUE can not be converted to a String",
    );
    expect(
      typeError("ConfirmSignUp", {
        ClientId: "c",
        Username: "u",
        ConfirmationCode: "1",
        ForceAliasCreation: "yes",
      }),
    ).toBe("STRING_VALUE can not be converted to a Boolean");
    expect(typeError("SignUp", { ClientId: "c", Username: "u", UserAttributes: {} })).toBe(
      "Expected list or null",
    );
    expect(typeError("SignUp", { ClientId: "c", Username: "u", ClientMetadata: [] })).toBe(
      "Start of list found where not expected",
    );
    expect(typeError("SignUp", { ClientId: "c", Username: "u", ClientMetadata: { k: 1 } })).toBe(
      "NUMBER_VALUE can not be converted to a String",
    );
    expect(typeError("SignUp", { ClientId: ["c"], Username: "u" })).toBe(
      "Start of list found where not expected",
    );
    expect(typeError("SignUp", { ClientId: { c: 1 }, Username: "u" })).toBe(
      "Start of structure or map found where not expected.",
    );
  });

  it("treats null members as absent", () => {
    expect(validate("ListUserPools", { MaxResults: 1, NextToken: null })).toBeNull();
  });
});
