// ListUserPools — pools in id order, MaxResults at a time (SigV4).

import { decodeToken, encodeToken } from "../domain/paging.js";
import type { ListUserPoolsResponse } from "../protocol/generated/shapes.js";
import { epochSeconds } from "../protocol/wire.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const ListUserPools = defineOperation("ListUserPools", async (deps: Pick<Deps, "store">, input) => {
  const max = input.MaxResults;
  const after = decodeToken(input.NextToken, "NextToken");
  const rows = await deps.store.read.pools.list(max + 1, after);
  const page = rows.slice(0, max);
  const out: ListUserPoolsResponse = {
    UserPools: page.map((p) => ({
      Id: p.id,
      Name: p.name,
      LambdaConfig: p.config.LambdaConfig ?? {},
      Status: p.config.Status ?? "Enabled",
      LastModifiedDate: epochSeconds(p.lastModifiedDate),
      CreationDate: epochSeconds(p.creationDate),
    })),
  };
  const last = page.at(-1);
  if (rows.length > max && last) out.NextToken = encodeToken(last.id);
  return out;
});
