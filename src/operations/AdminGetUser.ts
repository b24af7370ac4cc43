// AdminGetUser — a user's status and attributes (SigV4).
import { attributeList } from "../domain/attributes.js";
import { fail, messages } from "../protocol/errors.js";
import { epochSeconds } from "../protocol/wire.js";
import { mfaMembers } from "../services/mfa.js";
import { findUser } from "../services/users.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const AdminGetUser = defineOperation(
  "AdminGetUser",
  async (deps: Pick<Deps, "store" | "directory">, input) => {
    const pool = await deps.directory.pool(input.UserPoolId);
    const user = await findUser(deps.store.read, pool, input.Username);
    if (!user) fail("UserNotFoundException", messages.userNotFound);
    return {
      Username: user.username,
      UserAttributes: attributeList(user),
      UserCreateDate: epochSeconds(user.createdAt),
      UserLastModifiedDate: epochSeconds(user.updatedAt),
      Enabled: user.enabled,
      UserStatus: user.status,
      ...mfaMembers(user),
    };
  },
);
