// ForgetDevice — the signed-in user forgets one of their devices (auth: none; the access token
// is the credential). The device's key no longer signs in, skips MFA or refreshes tokens
// (docs/devices.md).
import { findUserDevice, requireAccessToken } from "../services/devices.js";
import { openSelfService } from "../services/selfService.js";
import type { TokenDeps } from "../services/tokens/index.js";
import { forgetDevice } from "./AdminForgetDevice.js";
import { defineOperation } from "./define.js";

export const ForgetDevice = defineOperation("ForgetDevice", async (deps: TokenDeps, input) => {
  const { pool, user } = await openSelfService(deps, requireAccessToken(input.AccessToken));
  await forgetDevice(deps, await findUserDevice(deps, pool.id, user, input.DeviceKey));
  return {};
});
