// GetDevice — one of the signed-in user's devices (auth: none; the access token is the
// credential). Unknown, forgotten or another user's keys: ResourceNotFoundException.
import { deviceType, findUserDevice, requireAccessToken } from "../services/devices.js";
import { openSelfService } from "../services/selfService.js";
import type { TokenDeps } from "../services/tokens/index.js";
import { defineOperation } from "./define.js";

export const GetDevice = defineOperation("GetDevice", async (deps: TokenDeps, input) => {
  const { pool, user } = await openSelfService(deps, requireAccessToken(input.AccessToken));
  return { Device: deviceType(await findUserDevice(deps, pool.id, user, input.DeviceKey)) };
});
