// amazon-cognito-identity-js's own SRP code, loaded from its CommonJS build so that its
// AuthenticationHelper and BigInteger are the same module instances it uses internally
// (padHex checks `instanceof BigInteger`). The package's typings do not declare these
// classes; the narrow interfaces below describe the parts the tests call.
import { createRequire } from "node:module";

export interface JsbnBigInteger {
  toString(radix: number): string;
}

export interface AuthenticationHelper {
  smallAValue: JsbnBigInteger;
  largeAValue: JsbnBigInteger | undefined;
  getLargeAValue(cb: (err: unknown, A: JsbnBigInteger) => void): void;
  getPasswordAuthenticationKey(
    username: string,
    password: string,
    serverB: JsbnBigInteger,
    salt: JsbnBigInteger,
    cb: (err: unknown, hkdf: Uint8Array) => void,
  ): void;
  generateHashDevice(deviceGroupKey: string, username: string, cb: (err: unknown) => void): void;
  getSaltDevices(): string;
  getVerifierDevices(): string;
  getRandomPassword(): string;
}

const require = createRequire(import.meta.url);
const lib = require("amazon-cognito-identity-js") as {
  AuthenticationHelper: new (poolName: string) => AuthenticationHelper;
  DateHelper: new () => { getNowString(): string };
};
const big = require("amazon-cognito-identity-js/lib/BigInteger.js") as {
  default: new (value: string, radix: number) => JsbnBigInteger;
};

export const IdentityAuthenticationHelper = lib.AuthenticationHelper;
export const IdentityDateHelper = lib.DateHelper;
export const jsbn = (hexValue: string): JsbnBigInteger => new big.default(hexValue, 16);

/** A helper whose secret a is the given value instead of a random one. */
export function helperWithA(poolName: string, aHex: string | undefined): AuthenticationHelper {
  const h = new lib.AuthenticationHelper(poolName);
  if (aHex !== undefined) {
    h.smallAValue = jsbn(aHex);
    h.largeAValue = undefined;
  }
  return h;
}

export function largeA(h: AuthenticationHelper): string {
  let out = "";
  h.getLargeAValue((err, A) => {
    if (err) throw err;
    out = A.toString(16);
  });
  return out;
}

export function hkdf(
  h: AuthenticationHelper,
  username: string,
  password: string,
  B: string,
  salt: string,
): Buffer {
  let out: Buffer | undefined;
  h.getPasswordAuthenticationKey(username, password, jsbn(B), jsbn(salt), (err, key) => {
    if (err) throw err;
    out = Buffer.from(key);
  });
  if (out === undefined) throw new Error("the helper did not answer synchronously");
  return out;
}
