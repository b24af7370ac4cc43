// UpdateDeviceStatus — the signed-in user marks one of their devices remembered or not
// remembered (auth: none; the access token is the credential). Only a remembered device can
// stand in for MFA at sign-in (docs/devices.md).
import { findUserDevice } from "../services/devices.js";
import { openSelfService } from "../services/selfService.js";
import type { TokenDeps } from "../services/tokens/index.js";
import { setDeviceStatus } from "./AdminUpdateDeviceStatus.js";
import { defineOperation } from "./define.js";

export const UpdateDeviceStatus = defineOperation("UpdateDeviceStatus", async (deps: TokenDeps, input) => {
  const { pool, user } = await openSelfService(deps, input.AccessToken);
  const device = await findUserDevice(deps, pool.id, user, input.DeviceKey);
  await setDeviceStatus(deps, device, input.DeviceRememberedStatus);
  return {};
});
