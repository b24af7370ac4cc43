// The dispatcher with an operation declared by defineOperation: the input is validated
// against the model before the handler runs, and the operation answers only errors in the
// model's list for it (any other becomes InternalErrorException).
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { defineOperation, type RequestContext } from "../../src/operations/define.js";
import type { Deps } from "../../src/operations/deps.js";
import { operationMap } from "../../src/operations/registry.js";
import { type ApiRequest, acceptAll, Dispatcher } from "../../src/protocol/dispatch.js";
import { fail } from "../../src/protocol/errors.js";
import { MODEL_ERRORS } from "../../src/protocol/generated/model.js";

const calls: string[] = [];

// A stand-in AdminGetUser whose answer depends on the username it is asked for.
const probe = defineOperation("AdminGetUser", async (_deps: Pick<Deps, never>, input) => {
  calls.push(input.Username);
  if (input.Username === "modeled") fail("UserNotFoundException", "User does not exist.");
  if (input.Username === "unmodeled") fail("UsernameExistsException", "User already exists");
  return { Username: input.Username, Enabled: true };
});

// The probe uses no dependency (Pick<Deps, never>): the dispatcher only passes them on.
const dispatcher = new Dispatcher(operationMap([probe]), {} as Deps, acceptAll);

function request(body: unknown): ApiRequest {
  return {
    target: "AWSCognitoIdentityProviderService.AdminGetUser",
    contentType: "application/x-amz-json-1.1",
    body: Buffer.from(JSON.stringify(body)),
    headers: {},
    method: "POST",
    path: "/",
  };
}

const ctx = (): RequestContext => ({
  requestId: "r",
  sourceIp: "127.0.0.1",
  userAgent: undefined,
  log: pino({ level: "silent" }),
  accessKeyId: undefined,
});

describe("an operation declared with defineOperation", () => {
  it("takes its error list from the model", () => {
    expect(probe.errors).toEqual(MODEL_ERRORS.AdminGetUser);
    expect(probe.errors).toContain("UserNotFoundException");
    expect(probe.errors).not.toContain("UsernameExistsException");
  });

  it("runs its handler on an input the model accepts, and answers its output", async () => {
    const r = await dispatcher.handle(request({ UserPoolId: "us-east-1_abc", Username: "ana" }), ctx());
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ Username: "ana", Enabled: true });
  });

  it("never runs the handler on an input the model refuses", async () => {
    calls.length = 0;
    const r = await dispatcher.handle(request({ UserPoolId: "us-east-1_abc" }), ctx());
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toEqual({
      __type: "InvalidParameterException",
      message:
        "1 validation error detected: Value null at 'username' failed to satisfy constraint: Member must not be null",
    });
    const typed = await dispatcher.handle(request({ UserPoolId: "us-east-1_abc", Username: 7 }), ctx());
    expect(JSON.parse(typed.body).__type).toBe("SerializationException");
    expect(calls).toEqual([]);
  });

  it("answers an error in its model list as raised", async () => {
    const r = await dispatcher.handle(request({ UserPoolId: "us-east-1_abc", Username: "modeled" }), ctx());
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toEqual({ __type: "UserNotFoundException", message: "User does not exist." });
  });

  it("turns an error outside its model list into InternalErrorException", async () => {
    const r = await dispatcher.handle(request({ UserPoolId: "us-east-1_abc", Username: "unmodeled" }), ctx());
    expect(r.status).toBe(500);
    expect(JSON.parse(r.body).__type).toBe("InternalErrorException");
  });
});
