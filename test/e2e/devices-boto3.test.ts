// Remembered devices through boto3 (docs/devices.md): every device operation on a device
// confirmed through the API, and each one's answer for a device that does not exist
// (ResourceNotFoundException "Device does not exist."), a confirmed one confirmed again
// (DeviceKeyExistsException) and users that do not exist.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInOnNewDevice } from "../helpers/devices.js";
import { makePool } from "../helpers/fixtures.js";
import { runPython } from "../helpers/python.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { confirmedUser, makeClient } from "../helpers/signin.js";

const SCRIPT = `
import json, sys, datetime, boto3
from botocore.exceptions import ClientError
url, pool_id, token, key, other, salt, verifier = sys.argv[1:8]
c = boto3.client("cognito-idp", endpoint_url=url, region_name="us-east-1")
out = {}
def err(name, f):
    try:
        f()
        out[name] = "no error"
    except ClientError as e:
        out[name] = [e.response["Error"]["Code"], e.response["Error"]["Message"]]
missing = "us-east-1_00000000-0000-0000-0000-000000000000"
d = c.get_device(AccessToken=token, DeviceKey=key)["Device"]
out["get"] = {"key": d["DeviceKey"], "created": isinstance(d["DeviceCreateDate"], datetime.datetime),
    "attrs": {a["Name"]: a["Value"] for a in d["DeviceAttributes"]}}
out["list"] = [x["DeviceKey"] for x in c.list_devices(AccessToken=token, Limit=10)["Devices"]]
out["admin_list"] = [x["DeviceKey"] for x in c.admin_list_devices(UserPoolId=pool_id, Username="mia")["Devices"]]
c.update_device_status(AccessToken=token, DeviceKey=key, DeviceRememberedStatus="not_remembered")
a = c.admin_get_device(UserPoolId=pool_id, Username="mia", DeviceKey=key)["Device"]
out["after_update"] = {x["Name"]: x["Value"] for x in a["DeviceAttributes"]}["dev:device_remembered_status"]
c.admin_update_device_status(UserPoolId=pool_id, Username="mia", DeviceKey=key, DeviceRememberedStatus="remembered")
a = c.admin_get_device(UserPoolId=pool_id, Username="mia", DeviceKey=key)["Device"]
out["after_admin_update"] = {x["Name"]: x["Value"] for x in a["DeviceAttributes"]}["dev:device_remembered_status"]
cfg = {"PasswordVerifier": verifier, "Salt": salt}
err("confirm_again", lambda: c.confirm_device(AccessToken=token, DeviceKey=key, DeviceSecretVerifierConfig=cfg))
err("confirm_missing", lambda: c.confirm_device(AccessToken=token, DeviceKey=missing, DeviceSecretVerifierConfig=cfg))
err("get_missing", lambda: c.get_device(AccessToken=token, DeviceKey=missing))
err("get_bad_key", lambda: c.get_device(AccessToken=token, DeviceKey="no-underscore"))
err("admin_get_missing", lambda: c.admin_get_device(UserPoolId=pool_id, Username="mia", DeviceKey=missing))
err("admin_get_other_users", lambda: c.admin_get_device(UserPoolId=pool_id, Username="mia", DeviceKey=other))
err("admin_get_no_user", lambda: c.admin_get_device(UserPoolId=pool_id, Username="nobody", DeviceKey=key))
err("admin_list_no_user", lambda: c.admin_list_devices(UserPoolId=pool_id, Username="nobody"))
err("update_missing", lambda: c.update_device_status(AccessToken=token, DeviceKey=missing, DeviceRememberedStatus="remembered"))
err("admin_update_missing", lambda: c.admin_update_device_status(UserPoolId=pool_id, Username="mia", DeviceKey=missing, DeviceRememberedStatus="remembered"))
err("admin_update_no_user", lambda: c.admin_update_device_status(UserPoolId=pool_id, Username="nobody", DeviceKey=key))
err("forget_missing", lambda: c.forget_device(AccessToken=token, DeviceKey=missing))
err("admin_forget_missing", lambda: c.admin_forget_device(UserPoolId=pool_id, Username="mia", DeviceKey=missing))
err("admin_forget_no_user", lambda: c.admin_forget_device(UserPoolId=pool_id, Username="nobody", DeviceKey=key))
err("list_bad_token", lambda: c.list_devices(AccessToken="bad-token"))
c.forget_device(AccessToken=token, DeviceKey=key)
err("get_forgotten", lambda: c.get_device(AccessToken=token, DeviceKey=key))
out["list_after_forget"] = c.list_devices(AccessToken=token)["Devices"]
print(json.dumps(out))
`;

describe("remembered devices: boto3", () => {
  let s: TestServer;
  let poolId: string;
  let clientId: string;

  beforeAll(async () => {
    s = await startServer();
    ({ poolId } = await makePool(s.sdk, {
      DeviceConfiguration: { ChallengeRequiredOnNewDevice: false, DeviceOnlyRememberedOnUserPrompt: false },
    }));
    ({ clientId } = await makeClient(s.sdk, poolId));
  });
  afterAll(() => s?.close());

  it("every device operation, and its errors", async () => {
    await confirmedUser(s.sdk, { poolId, clientId, username: "mia" });
    await confirmedUser(s.sdk, { poolId, clientId, username: "ned" });
    const d = await signInOnNewDevice(s.sdk, clientId, "mia");
    const other = await signInOnNewDevice(s.sdk, clientId, "ned");
    const out = await runPython(SCRIPT, [
      s.url,
      poolId,
      d.AccessToken,
      d.key,
      other.key,
      d.config.Salt,
      d.config.PasswordVerifier,
    ]);
    const notFound = ["ResourceNotFoundException", "Device does not exist."];
    expect(out.get).toMatchObject({
      key: d.key,
      created: true,
      attrs: {
        device_status: "valid",
        device_name: "mia-laptop",
        "dev:device_remembered_status": "remembered",
      },
    });
    expect(out.list).toEqual([d.key]);
    expect(out.admin_list).toEqual([d.key]);
    expect(out.after_update).toBe("not_remembered");
    expect(out.after_admin_update).toBe("remembered");
    expect((out.confirm_again as string[])[0]).toBe("DeviceKeyExistsException");
    expect(out.confirm_missing).toEqual(notFound);
    expect(out.get_missing).toEqual(notFound);
    expect((out.get_bad_key as string[])[0]).toBe("InvalidParameterException");
    expect(out.admin_get_missing).toEqual(notFound);
    expect(out.admin_get_other_users).toEqual(notFound);
    expect(out.admin_get_no_user).toEqual(["ResourceNotFoundException", "User does not exist."]);
    expect(out.admin_list_no_user).toEqual(["ResourceNotFoundException", "User does not exist."]);
    expect(out.update_missing).toEqual(notFound);
    expect(out.admin_update_missing).toEqual(notFound);
    expect(out.admin_update_no_user).toEqual(["UserNotFoundException", "User does not exist."]);
    expect(out.forget_missing).toEqual(notFound);
    expect(out.admin_forget_missing).toEqual(notFound);
    expect(out.admin_forget_no_user).toEqual(["UserNotFoundException", "User does not exist."]);
    expect((out.list_bad_token as string[])[0]).toBe("NotAuthorizedException");
    expect(out.get_forgotten).toEqual(notFound);
    expect(out.list_after_forget).toEqual([]);
  });
});
