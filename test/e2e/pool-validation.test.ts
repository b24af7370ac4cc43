// Pool settings Cognito accepts or refuses that Cognate used to get the other way round:
// link-mode templates carrying both messages, schema constraints that are not numbers or
// contradict each other, and more tags than a pool may carry. Through the AWS SDK v3.
import {
  CreateUserPoolCommand,
  type CreateUserPoolCommandInput,
  DescribeUserPoolCommand,
  ResendConfirmationCodeCommand,
  type SchemaAttributeType,
  SignUpCommand,
  UpdateUserPoolCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError } from "../helpers/expect.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";

describe("pool settings", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(() => s?.close());

  const BOTH = {
    EmailSubject: "Your code",
    EmailMessage: "Code {####}",
    EmailSubjectByLink: "Your link",
    EmailMessageByLink: "Please {##verify##} now",
  };

  describe("VerificationMessageTemplate with both EmailMessage and EmailMessageByLink", () => {
    it("CreateUserPool and UpdateUserPool accept it in link mode and keep both", async () => {
      const made = await s.sdk.send(
        new CreateUserPoolCommand({
          PoolName: "both-link",
          VerificationMessageTemplate: { DefaultEmailOption: "CONFIRM_WITH_LINK", ...BOTH },
        }),
      );
      const id = made.UserPool?.Id ?? "";
      expect(made.UserPool?.VerificationMessageTemplate).toMatchObject({
        DefaultEmailOption: "CONFIRM_WITH_LINK",
        ...BOTH,
      });
      await s.sdk.send(
        new UpdateUserPoolCommand({
          UserPoolId: id,
          VerificationMessageTemplate: {
            DefaultEmailOption: "CONFIRM_WITH_LINK",
            ...BOTH,
            EmailMessage: "New code {####}",
          },
        }),
      );
      const d = await s.sdk.send(new DescribeUserPoolCommand({ UserPoolId: id }));
      expect(d.UserPool?.VerificationMessageTemplate).toMatchObject({
        DefaultEmailOption: "CONFIRM_WITH_LINK",
        EmailMessage: "New code {####}",
        EmailMessageByLink: BOTH.EmailMessageByLink,
      });
    });

    it("sends the message the option chooses", async () => {
      for (const option of ["CONFIRM_WITH_LINK", "CONFIRM_WITH_CODE"] as const) {
        const { poolId, clientId } = await makePool(s.sdk, {
          VerificationMessageTemplate: { DefaultEmailOption: option, ...BOTH },
        });
        const username = option === "CONFIRM_WITH_LINK" ? "linker" : "coder";
        await s.sdk.send(
          new SignUpCommand({
            ClientId: clientId,
            Username: username,
            Password: PASSWORD,
            UserAttributes: [{ Name: "email", Value: `${username}@example.com` }],
          }),
        );
        await s.sdk.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: username }));
        const m = await s.inbox.latest({ username, userPoolId: poolId });
        if (option === "CONFIRM_WITH_LINK") {
          expect(m?.subject).toBe("Your link");
          expect(m?.body).toMatch(/^Please <a href="[^"]+\/confirmUser\?[^"]+">verify<\/a> now$/);
        } else {
          expect(m?.subject).toBe("Your code");
          expect(m?.body).toBe(`Code ${m?.code}`);
        }
      }
    });
  });

  describe("schema constraints", () => {
    const create = (attr: SchemaAttributeType, extra: Partial<CreateUserPoolCommandInput> = {}) =>
      s.sdk.send(new CreateUserPoolCommand({ PoolName: "schema", Schema: [attr], ...extra }));

    it("refuses a string length that is not a whole number, naming the attribute", async () => {
      for (const c of [
        { MinLength: "invalid_value" },
        { MaxLength: "invalid_value" },
        { MaxLength: "1.5" },
        { MinLength: "-1" },
        { MaxLength: "" },
      ]) {
        await expectError(
          create({ Name: "nick", AttributeDataType: "String", StringAttributeConstraints: c }),
          "InvalidParameterException",
          "Invalid StringAttributeConstraints for schema attribute custom:nick",
        );
      }
      // A standard attribute's constraints are checked too.
      await expectError(
        create({ Name: "name", StringAttributeConstraints: { MaxLength: "many" } }),
        "InvalidParameterException",
        "Invalid StringAttributeConstraints for schema attribute name",
      );
    });

    it("refuses a number bound that is not a whole number, naming the attribute", async () => {
      for (const c of [{ MinValue: "invalid_value" }, { MaxValue: "ten" }, { MinValue: "1e3" }]) {
        await expectError(
          create({ Name: "age", AttributeDataType: "Number", NumberAttributeConstraints: c }),
          "InvalidParameterException",
          "Invalid NumberAttributeConstraints for schema attribute custom:age",
        );
      }
    });

    it("refuses a minimum above the maximum, and a length over 2048", async () => {
      await expectError(
        create({
          Name: "code",
          AttributeDataType: "String",
          StringAttributeConstraints: { MinLength: "10", MaxLength: "5" },
        }),
        "InvalidParameterException",
        "user.custom:code: Max length cannot be less than min length.",
      );
      await expectError(
        create({
          Name: "score",
          AttributeDataType: "Number",
          DeveloperOnlyAttribute: true,
          NumberAttributeConstraints: { MinValue: "100", MaxValue: "1" },
        }),
        "InvalidParameterException",
        "user.dev:custom:score: Max value cannot be less than min value.",
      );
      await expectError(
        create({
          Name: "essay",
          AttributeDataType: "String",
          StringAttributeConstraints: { MaxLength: "2049" },
        }),
        "InvalidParameterException",
        "user.custom:essay: String attributes cannot have a length of more than 2048",
      );
      // A standard attribute's own minimum above the maximum it is given.
      await expectError(
        create({ Name: "birthdate", StringAttributeConstraints: { MaxLength: "5" } }),
        "InvalidParameterException",
        "user.birthdate: Max length cannot be less than min length.",
      );
    });

    it("accepts and echoes well-formed constraints", async () => {
      const r = await create({
        Name: "level",
        AttributeDataType: "Number",
        NumberAttributeConstraints: { MinValue: "1", MaxValue: "10" },
      });
      expect(r.UserPool?.SchemaAttributes).toContainEqual(
        expect.objectContaining({
          Name: "custom:level",
          NumberAttributeConstraints: { MinValue: "1", MaxValue: "10" },
        }),
      );
      const eq = await create({
        Name: "pin",
        AttributeDataType: "String",
        StringAttributeConstraints: { MinLength: "4", MaxLength: "4" },
      });
      expect(eq.UserPool?.SchemaAttributes).toContainEqual(
        expect.objectContaining({
          Name: "custom:pin",
          StringAttributeConstraints: { MinLength: "4", MaxLength: "4" },
        }),
      );
    });
  });

  describe("UserPoolTags", () => {
    const tags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, `v${i}`]));
    const TOO_MANY =
      "1 validation error detected: Value at 'userPoolTags' failed to satisfy constraint: Member must have length less than or equal to 50";

    it("accepts 50 tags and refuses 51, in CreateUserPool and UpdateUserPool", async () => {
      const ok = await s.sdk.send(new CreateUserPoolCommand({ PoolName: "tags", UserPoolTags: tags(50) }));
      expect(Object.keys(ok.UserPool?.UserPoolTags ?? {})).toHaveLength(50);
      await expectError(
        s.sdk.send(new CreateUserPoolCommand({ PoolName: "tags", UserPoolTags: tags(51) })),
        "InvalidParameterException",
        TOO_MANY,
      );
      await expectError(
        s.sdk.send(new UpdateUserPoolCommand({ UserPoolId: ok.UserPool?.Id, UserPoolTags: tags(51) })),
        "InvalidParameterException",
        TOO_MANY,
      );
      const d = await s.sdk.send(new DescribeUserPoolCommand({ UserPoolId: ok.UserPool?.Id }));
      expect(Object.keys(d.UserPool?.UserPoolTags ?? {})).toHaveLength(50);
    });
  });
});
