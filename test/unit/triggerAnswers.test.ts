// What a trigger function may answer (src/domain/triggerAnswers.ts): the returned event's
// `response`, read per trigger; a member of the wrong type makes the whole answer invalid
// (the invokers then answer InvalidLambdaResponseException), nulls mean "not set".
import { describe, expect, it } from "vitest";
import { readTriggerAnswer } from "../../src/domain/triggerAnswers.js";
import {
  customMessageEvent,
  type EventContext,
  postConfirmationEvent,
  preSignUpEvent,
} from "../../src/domain/triggerEvents.js";
import type { TriggerEvent } from "../../src/ports/triggers.js";

const ctx: EventContext = {
  region: "us-east-1",
  userPoolId: "us-east-1_abc",
  userName: "ana",
  clientId: "client1",
  userAgent: undefined,
};
const base = {
  version: "1",
  region: ctx.region,
  userPoolId: ctx.userPoolId,
  userName: ctx.userName,
  callerContext: { awsSdkVersion: "aws-sdk-unknown-unknown", clientId: ctx.clientId },
};
const userAttributes = { sub: "s", email: "ana@example.com" };

const preSignUp = preSignUpEvent(ctx, "PreSignUp_SignUp", userAttributes, undefined, undefined);
const customMessage = customMessageEvent(ctx, "CustomMessage_SignUp", userAttributes, undefined);
const postConfirmation = postConfirmationEvent(ctx, userAttributes, undefined);
const preAuthentication: TriggerEvent<"PreAuthentication"> = {
  ...base,
  triggerSource: "PreAuthentication_Authentication",
  request: { userAttributes, validationData: {} },
  response: {},
};
const postAuthentication: TriggerEvent<"PostAuthentication"> = {
  ...base,
  triggerSource: "PostAuthentication_Authentication",
  request: { userAttributes, newDeviceUsed: false },
  response: {},
};
const tokenV1: TriggerEvent<"PreTokenGeneration"> = {
  ...base,
  version: "1",
  triggerSource: "TokenGeneration_Authentication",
  request: {
    userAttributes,
    groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [], preferredRole: null },
  },
  response: { claimsOverrideDetails: null },
};
const tokenV2: TriggerEvent<"PreTokenGeneration"> = {
  ...base,
  version: "2",
  triggerSource: "TokenGeneration_Authentication",
  request: {
    userAttributes,
    groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [], preferredRole: null },
    scopes: ["openid"],
  },
  response: { claimsAndScopeOverrideDetails: null },
};
const define: TriggerEvent<"DefineAuthChallenge"> = {
  ...base,
  triggerSource: "DefineAuthChallenge_Authentication",
  request: { userAttributes, session: [] },
  response: { challengeName: null, issueTokens: null, failAuthentication: null },
};
const create: TriggerEvent<"CreateAuthChallenge"> = {
  ...base,
  triggerSource: "CreateAuthChallenge_Authentication",
  request: { userAttributes, challengeName: "CUSTOM_CHALLENGE", session: [] },
  response: { publicChallengeParameters: null, privateChallengeParameters: null, challengeMetadata: null },
};
const verify: TriggerEvent<"VerifyAuthChallengeResponse"> = {
  ...base,
  triggerSource: "VerifyAuthChallengeResponse_Authentication",
  request: { userAttributes, privateChallengeParameters: { answer: "42" }, challengeAnswer: "42" },
  response: { answerCorrect: null },
};
const migration: TriggerEvent<"UserMigration"> = {
  ...base,
  triggerSource: "UserMigration_Authentication",
  request: { password: "p", validationData: {} },
  response: {
    userAttributes: null,
    finalUserStatus: null,
    messageAction: null,
    desiredDeliveryMediums: null,
    forceAliasCreation: null,
    enableSMSMFA: null,
  },
};

/** The event as a function returns it: the one sent, with `response` replaced. */
const answering = (event: object, response: unknown) => ({ ...event, response });

describe("any trigger's answer", () => {
  it("must be a JSON object whose response, when present, is an object", () => {
    for (const bad of [null, "event", 42, true, [], [preSignUp]]) {
      expect(readTriggerAnswer("PreSignUp", bad, preSignUp), JSON.stringify(bad)).toBeUndefined();
      expect(readTriggerAnswer("PostConfirmation", bad, postConfirmation)).toBeUndefined();
    }
    for (const bad of ["yes", 1, [], [{}]]) {
      expect(readTriggerAnswer("PreSignUp", answering(preSignUp, bad), preSignUp)).toBeUndefined();
      expect(
        readTriggerAnswer("PostAuthentication", answering(postAuthentication, bad), postAuthentication),
      ).toBeUndefined();
    }
  });

  it("reads an absent or null response, or one of nulls, as nothing set", () => {
    const { response: _r, ...noResponse } = preSignUp;
    expect(readTriggerAnswer("PreSignUp", noResponse, preSignUp)).toEqual({});
    expect(readTriggerAnswer("PreSignUp", answering(preSignUp, null), preSignUp)).toEqual({});
    expect(readTriggerAnswer("CustomMessage", customMessage, customMessage)).toEqual({});
    expect(readTriggerAnswer("DefineAuthChallenge", define, define)).toEqual({});
    expect(readTriggerAnswer("UserMigration", migration, migration)).toEqual({});
  });

  it("ignores response members the trigger does not have", () => {
    expect(readTriggerAnswer("PreSignUp", answering(preSignUp, { extra: [1] }), preSignUp)).toEqual({});
  });
});

describe("answers read per trigger", () => {
  it("PreSignUp: the three flags, booleans only", () => {
    const r = { autoConfirmUser: true, autoVerifyEmail: false, autoVerifyPhone: null };
    expect(readTriggerAnswer("PreSignUp", answering(preSignUp, r), preSignUp)).toEqual({
      autoConfirmUser: true,
      autoVerifyEmail: false,
    });
    for (const bad of [{ autoConfirmUser: "true" }, { autoVerifyEmail: 1 }, { autoVerifyPhone: {} }]) {
      expect(readTriggerAnswer("PreSignUp", answering(preSignUp, bad), preSignUp)).toBeUndefined();
    }
  });

  it("CustomMessage: the three texts, strings only", () => {
    const r = { smsMessage: null, emailMessage: "Code {####}", emailSubject: "Hi" };
    expect(readTriggerAnswer("CustomMessage", answering(customMessage, r), customMessage)).toEqual({
      emailMessage: "Code {####}",
      emailSubject: "Hi",
    });
    for (const bad of [{ smsMessage: 123456 }, { emailMessage: ["a"] }, { emailSubject: false }]) {
      expect(
        readTriggerAnswer("CustomMessage", answering(customMessage, bad), customMessage),
      ).toBeUndefined();
    }
  });

  it("PostConfirmation, PreAuthentication, PostAuthentication: nothing is read", () => {
    expect(
      readTriggerAnswer("PostConfirmation", answering(postConfirmation, { x: 1 }), postConfirmation),
    ).toEqual({});
    expect(readTriggerAnswer("PreAuthentication", preAuthentication, preAuthentication)).toEqual({});
    expect(readTriggerAnswer("PostAuthentication", postAuthentication, postAuthentication)).toEqual({});
  });

  it("PreTokenGeneration V1_0: claimsOverrideDetails, string claims only", () => {
    const r = {
      claimsOverrideDetails: {
        claimsToAddOrOverride: { tier: "gold" },
        claimsToSuppress: ["email"],
        groupOverrideDetails: {
          groupsToOverride: ["admins"],
          iamRolesToOverride: null,
          preferredRole: "arn:r",
        },
      },
      // The V2 member is not part of a V1 answer and is not read.
      claimsAndScopeOverrideDetails: "ignored",
    };
    expect(readTriggerAnswer("PreTokenGeneration", answering(tokenV1, r), tokenV1)).toEqual({
      claimsOverrideDetails: {
        claimsToAddOrOverride: { tier: "gold" },
        claimsToSuppress: ["email"],
        groupOverrideDetails: { groupsToOverride: ["admins"], preferredRole: "arn:r" },
      },
    });
    expect(
      readTriggerAnswer("PreTokenGeneration", answering(tokenV1, { claimsOverrideDetails: null }), tokenV1),
    ).toEqual({});
    for (const bad of [
      { claimsOverrideDetails: { claimsToAddOrOverride: { level: 3 } } },
      { claimsOverrideDetails: { claimsToSuppress: "email" } },
      { claimsOverrideDetails: { groupOverrideDetails: { groupsToOverride: [1] } } },
      { claimsOverrideDetails: [] },
    ]) {
      expect(readTriggerAnswer("PreTokenGeneration", answering(tokenV1, bad), tokenV1)).toBeUndefined();
    }
  });

  it("PreTokenGeneration V2_0/V3_0: claimsAndScopeOverrideDetails, any JSON claim value but null", () => {
    const r = {
      claimsAndScopeOverrideDetails: {
        idTokenGeneration: { claimsToAddOrOverride: { level: 3, beta: true, tags: ["a"], org: { id: 1 } } },
        accessTokenGeneration: { scopesToAdd: ["read"], scopesToSuppress: [], claimsToSuppress: null },
        groupOverrideDetails: null,
      },
    };
    expect(readTriggerAnswer("PreTokenGeneration", answering(tokenV2, r), tokenV2)).toEqual({
      claimsAndScopeOverrideDetails: {
        idTokenGeneration: { claimsToAddOrOverride: { level: 3, beta: true, tags: ["a"], org: { id: 1 } } },
        accessTokenGeneration: { scopesToAdd: ["read"], scopesToSuppress: [] },
      },
    });
    const v3: TriggerEvent<"PreTokenGeneration"> = { ...tokenV2, version: "3" };
    expect(readTriggerAnswer("PreTokenGeneration", answering(v3, r), v3)).toEqual(
      readTriggerAnswer("PreTokenGeneration", answering(tokenV2, r), tokenV2),
    );
    for (const bad of [
      { claimsAndScopeOverrideDetails: { idTokenGeneration: { claimsToAddOrOverride: { gone: null } } } },
      { claimsAndScopeOverrideDetails: { accessTokenGeneration: { scopesToAdd: "read" } } },
      { claimsAndScopeOverrideDetails: { accessTokenGeneration: { scopesToSuppress: [null] } } },
      { claimsAndScopeOverrideDetails: { idTokenGeneration: "x" } },
    ]) {
      expect(readTriggerAnswer("PreTokenGeneration", answering(tokenV2, bad), tokenV2)).toBeUndefined();
    }
  });

  it("DefineAuthChallenge: challengeName, issueTokens, failAuthentication", () => {
    const r = { challengeName: "CUSTOM_CHALLENGE", issueTokens: false, failAuthentication: false };
    expect(readTriggerAnswer("DefineAuthChallenge", answering(define, r), define)).toEqual(r);
    for (const bad of [{ issueTokens: "true" }, { failAuthentication: 0 }, { challengeName: 1 }]) {
      expect(readTriggerAnswer("DefineAuthChallenge", answering(define, bad), define)).toBeUndefined();
    }
  });

  it("CreateAuthChallenge: the two parameter maps (string values) and challengeMetadata", () => {
    const r = {
      publicChallengeParameters: { hint: "6 digits" },
      privateChallengeParameters: { answer: "123456" },
      challengeMetadata: "CODE-1",
    };
    expect(readTriggerAnswer("CreateAuthChallenge", answering(create, r), create)).toEqual(r);
    for (const bad of [
      { publicChallengeParameters: { attempts: 3 } },
      { privateChallengeParameters: ["123456"] },
      { challengeMetadata: { id: 1 } },
    ]) {
      expect(readTriggerAnswer("CreateAuthChallenge", answering(create, bad), create)).toBeUndefined();
    }
  });

  it("VerifyAuthChallengeResponse: answerCorrect, a boolean", () => {
    expect(
      readTriggerAnswer("VerifyAuthChallengeResponse", answering(verify, { answerCorrect: true }), verify),
    ).toEqual({ answerCorrect: true });
    expect(
      readTriggerAnswer("VerifyAuthChallengeResponse", answering(verify, { answerCorrect: "yes" }), verify),
    ).toBeUndefined();
  });

  it("UserMigration: the user's attributes, status, message action and mediums", () => {
    const r = {
      userAttributes: { email: "ana@example.com", email_verified: "true" },
      finalUserStatus: "CONFIRMED",
      messageAction: "SUPPRESS",
      desiredDeliveryMediums: ["EMAIL"],
      forceAliasCreation: false,
      enableSMSMFA: null,
    };
    const { enableSMSMFA: _e, ...read } = r;
    expect(readTriggerAnswer("UserMigration", answering(migration, r), migration)).toEqual(read);
    for (const bad of [
      { userAttributes: { email_verified: true } },
      { finalUserStatus: "FORCE_CHANGE_PASSWORD" },
      { messageAction: "DROP" },
      { desiredDeliveryMediums: ["EMAIL", "PIGEON"] },
      { desiredDeliveryMediums: "EMAIL" },
      { forceAliasCreation: "false" },
      { enableSMSMFA: 1 },
    ]) {
      expect(
        readTriggerAnswer("UserMigration", answering(migration, bad), migration),
        JSON.stringify(bad),
      ).toBeUndefined();
    }
  });
});
