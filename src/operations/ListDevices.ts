// ListDevices — the signed-in user's confirmed devices, in key order, Limit at a time (auth:
// none; the access token is the credential).

import { listDevicesPage } from "../services/devices.js";
import { openSelfService } from "../services/selfService.js";
import type { TokenDeps } from "../services/tokens/index.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const ListDevices = defineOperation(
  "ListDevices",
  async (deps: TokenDeps & Pick<Deps, "serverSecret">, input, ctx) => {
    const { pool, user } = await openSelfService(deps, input.AccessToken);
    return listDevicesPage(
      deps,
      { poolId: pool.id, user, limit: input.Limit, token: input.PaginationToken },
      ctx,
    );
  },
);
