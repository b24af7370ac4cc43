// What a Lambda trigger may answer. Cognito deserialises the returned event into the
// trigger's typed event and reads its `response`; output that is not a JSON object, a
// `response` that is not an object, or a response member of the wrong type fails that step
// (InvalidLambdaResponseException). Null or absent members mean "not set", as in the events
// Cognito sends. Members Cognito would not read are ignored. Whether Cognito coerces a
// string "true" into true, or a number into a string, is not known: Cognate refuses (strict).
//
// Each reader returns the response members it read, nulls dropped, or undefined when the
// answer is not valid for that trigger. The shapes are the AWS developer guide's trigger
// pages, as @types/aws-lambda types them.
import type {
  ClaimsAndScopeOverrideDetails,
  ClaimsOverrideDetails,
  ClaimValue,
  GroupOverrideDetails,
  PreTokenGenerationAnswer,
  SyncTrigger,
  TriggerAnswer,
  TriggerEvent,
  UserMigrationAnswer,
} from "../ports/triggers.js";

type JsonObject = { [key: string]: unknown };

function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Reads typed members from one object; any member of the wrong type makes it invalid. */
class Members {
  valid = true;
  readonly #o: JsonObject;

  constructor(o: JsonObject) {
    this.#o = o;
  }

  #read<T>(key: string, check: (v: unknown) => v is T): T | undefined {
    const v = this.#o[key];
    if (v === undefined || v === null) return undefined;
    if (check(v)) return v;
    this.valid = false;
    return undefined;
  }

  string(key: string): string | undefined {
    return this.#read(key, (v): v is string => typeof v === "string");
  }

  boolean(key: string): boolean | undefined {
    return this.#read(key, (v): v is boolean => typeof v === "boolean");
  }

  oneOf<L extends string>(key: string, values: readonly L[]): L | undefined {
    const v = this.string(key);
    if (v === undefined) return undefined;
    const found = values.find((x) => x === v);
    if (found === undefined) this.valid = false;
    return found;
  }

  listOf<L extends string>(key: string, values: readonly L[]): L[] | undefined {
    return this.#read(key, (v): v is L[] => Array.isArray(v) && v.every((e) => values.some((x) => x === e)));
  }

  strings(key: string): string[] | undefined {
    return this.#read(key, (v): v is string[] => Array.isArray(v) && v.every((e) => typeof e === "string"));
  }

  stringMap(key: string): Record<string, string> | undefined {
    return this.#read(
      key,
      (v): v is Record<string, string> => isObject(v) && Object.values(v).every((e) => typeof e === "string"),
    );
  }

  claimMap(key: string): Record<string, ClaimValue> | undefined {
    return this.#read(
      key,
      (v): v is Record<string, ClaimValue> => isObject(v) && Object.values(v).every((e) => e !== null),
    );
  }

  /** A nested object read by `read`; invalid when it is not an object or its members are not. */
  object<T>(key: string, read: (m: Members) => T): T | undefined {
    const v = this.#read(key, isObject);
    if (v === undefined) return undefined;
    const inner = new Members(v);
    const out = read(inner);
    if (!inner.valid) this.valid = false;
    return out;
  }
}

/** Sets `out[key]` only when there is a value (the answer types have no undefined members). */
function put<O, K extends keyof O>(out: O, key: K, value: O[K] | undefined): void {
  if (value !== undefined) out[key] = value;
}

function groupOverride(m: Members): GroupOverrideDetails {
  const out: GroupOverrideDetails = {};
  put(out, "groupsToOverride", m.strings("groupsToOverride"));
  put(out, "iamRolesToOverride", m.strings("iamRolesToOverride"));
  put(out, "preferredRole", m.string("preferredRole"));
  return out;
}

function claimsOverride(m: Members): ClaimsOverrideDetails {
  const out: ClaimsOverrideDetails = {};
  put(out, "claimsToAddOrOverride", m.stringMap("claimsToAddOrOverride"));
  put(out, "claimsToSuppress", m.strings("claimsToSuppress"));
  put(out, "groupOverrideDetails", m.object("groupOverrideDetails", groupOverride));
  return out;
}

function claimsAndScopeOverride(m: Members): ClaimsAndScopeOverrideDetails {
  const out: ClaimsAndScopeOverrideDetails = {};
  put(
    out,
    "idTokenGeneration",
    m.object("idTokenGeneration", (t) => {
      const id: NonNullable<ClaimsAndScopeOverrideDetails["idTokenGeneration"]> = {};
      put(id, "claimsToAddOrOverride", t.claimMap("claimsToAddOrOverride"));
      put(id, "claimsToSuppress", t.strings("claimsToSuppress"));
      return id;
    }),
  );
  put(
    out,
    "accessTokenGeneration",
    m.object("accessTokenGeneration", (t) => {
      const access: NonNullable<ClaimsAndScopeOverrideDetails["accessTokenGeneration"]> = {};
      put(access, "claimsToAddOrOverride", t.claimMap("claimsToAddOrOverride"));
      put(access, "claimsToSuppress", t.strings("claimsToSuppress"));
      put(access, "scopesToAdd", t.strings("scopesToAdd"));
      put(access, "scopesToSuppress", t.strings("scopesToSuppress"));
      return access;
    }),
  );
  put(out, "groupOverrideDetails", m.object("groupOverrideDetails", groupOverride));
  return out;
}

type Reader<T extends SyncTrigger> = (m: Members, event: TriggerEvent<T>) => TriggerAnswer<T>;

const READERS: { readonly [T in SyncTrigger]: Reader<T> } = {
  PreSignUp: (m) => {
    const out: TriggerAnswer<"PreSignUp"> = {};
    put(out, "autoConfirmUser", m.boolean("autoConfirmUser"));
    put(out, "autoVerifyEmail", m.boolean("autoVerifyEmail"));
    put(out, "autoVerifyPhone", m.boolean("autoVerifyPhone"));
    return out;
  },
  CustomMessage: (m) => {
    const out: TriggerAnswer<"CustomMessage"> = {};
    put(out, "smsMessage", m.string("smsMessage"));
    put(out, "emailMessage", m.string("emailMessage"));
    put(out, "emailSubject", m.string("emailSubject"));
    return out;
  },
  PostConfirmation: () => ({}),
  PreAuthentication: () => ({}),
  PostAuthentication: () => ({}),
  PreTokenGeneration: (m, event) => {
    const out: PreTokenGenerationAnswer = {};
    // Only the member of the version that was sent is read.
    if (event.version === "1")
      put(out, "claimsOverrideDetails", m.object("claimsOverrideDetails", claimsOverride));
    else {
      put(
        out,
        "claimsAndScopeOverrideDetails",
        m.object("claimsAndScopeOverrideDetails", claimsAndScopeOverride),
      );
    }
    return out;
  },
  DefineAuthChallenge: (m) => {
    const out: TriggerAnswer<"DefineAuthChallenge"> = {};
    put(out, "challengeName", m.string("challengeName"));
    put(out, "issueTokens", m.boolean("issueTokens"));
    put(out, "failAuthentication", m.boolean("failAuthentication"));
    return out;
  },
  CreateAuthChallenge: (m) => {
    const out: TriggerAnswer<"CreateAuthChallenge"> = {};
    put(out, "publicChallengeParameters", m.stringMap("publicChallengeParameters"));
    put(out, "privateChallengeParameters", m.stringMap("privateChallengeParameters"));
    put(out, "challengeMetadata", m.string("challengeMetadata"));
    return out;
  },
  VerifyAuthChallengeResponse: (m) => {
    const out: TriggerAnswer<"VerifyAuthChallengeResponse"> = {};
    put(out, "answerCorrect", m.boolean("answerCorrect"));
    return out;
  },
  UserMigration: (m) => {
    const out: UserMigrationAnswer = {};
    put(out, "userAttributes", m.stringMap("userAttributes"));
    put(out, "finalUserStatus", m.oneOf("finalUserStatus", ["CONFIRMED", "RESET_REQUIRED"]));
    put(out, "messageAction", m.oneOf("messageAction", ["RESEND", "SUPPRESS"]));
    put(out, "desiredDeliveryMediums", m.listOf("desiredDeliveryMediums", ["SMS", "EMAIL"]));
    put(out, "forceAliasCreation", m.boolean("forceAliasCreation"));
    put(out, "enableSMSMFA", m.boolean("enableSMSMFA"));
    return out;
  },
};

/**
 * The function's answer to `event`, read for `trigger`: the members of its `response` (an
 * absent or null response reads as empty), or undefined when the answer is not valid.
 */
export function readTriggerAnswer<T extends SyncTrigger>(
  trigger: T,
  answer: unknown,
  event: TriggerEvent<T>,
): TriggerAnswer<T> | undefined {
  if (!isObject(answer)) return undefined;
  const response = answer.response ?? {};
  if (!isObject(response)) return undefined;
  const m = new Members(response);
  const out = READERS[trigger](m, event);
  return m.valid ? out : undefined;
}
