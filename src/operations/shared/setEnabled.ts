import { fail, messages } from "../../protocol/errors.js";
import type { Deps } from "../deps.js";
import { findUser } from "./users.js";

type Outcome = { kind: "ok" } | { kind: "gone" };

/** AdminEnableUser / AdminDisableUser: flips the user's Enabled flag. */
export async function setUserEnabled(
  deps: Pick<Deps, "store" | "directory" | "clock">,
  poolId: string,
  username: string,
  enabled: boolean,
): Promise<Record<string, never>> {
  const pool = await deps.directory.pool(poolId);
  const found = await findUser(deps.store.read, pool, username);
  if (!found) fail("UserNotFoundException", messages.userNotFound);
  const now = deps.clock.now();
  const outcome = await deps.store.transaction(async (tx): Promise<Outcome> => {
    const user = await tx.users.getForUpdate(pool.id, found.username);
    if (!user) return { kind: "gone" };
    await tx.users.update({ ...user, enabled, updatedAt: now });
    return { kind: "ok" };
  });
  if (outcome.kind === "gone") fail("UserNotFoundException", messages.userNotFound);
  return {};
}
