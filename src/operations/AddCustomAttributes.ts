// AddCustomAttributes — adds custom attributes to a pool's schema (SigV4). Stored as
// `custom:<Name>` (developer-only ones as `dev:custom:<Name>`); they cannot be required,
// renamed or removed, and a pool holds at most 50 (docs/admin-users.md, "AddCustomAttributes").
import { customAttribute, MAX_CUSTOM_ATTRIBUTES } from "../domain/pool.js";
import { fail, messages } from "../protocol/errors.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

const isCustom = (name: string) => name.startsWith("custom:") || name.startsWith("dev:custom:");

export const AddCustomAttributes = defineOperation(
  "AddCustomAttributes",
  async (deps: Pick<Deps, "store" | "directory" | "clock">, input) => {
    const id = input.UserPoolId;
    const now = deps.clock.now();
    const found = await deps.store.transaction(async (tx) => {
      const pool = await tx.pools.getForUpdate(id);
      if (!pool) return false;
      const schema = [...(pool.config.SchemaAttributes ?? [])];
      // A name is taken in either form: `custom:x` and `dev:custom:x` cannot both exist.
      const taken = new Map(
        schema
          .filter((a) => isCustom(a.Name ?? ""))
          .map((a) => [(a.Name ?? "").replace(/^dev:/, ""), a.Name ?? ""]),
      );
      for (const attr of input.CustomAttributes) {
        const base = attr.Name ?? "";
        if (base === "") fail("InvalidParameterException", "Every custom attribute needs a Name.");
        if (attr.Required === true) {
          fail("InvalidParameterException", "Required custom attributes are not supported currently.");
        }
        const made = customAttribute(attr);
        const existing = taken.get(`custom:${base}`);
        if (existing !== undefined) {
          fail("InvalidParameterException", `${made.Name}: Existing attribute already has name ${existing}.`);
        }
        taken.set(`custom:${base}`, made.Name ?? base);
        schema.push(made);
      }
      if (taken.size > MAX_CUSTOM_ATTRIBUTES) {
        fail(
          "InvalidParameterException",
          `A user pool can have at most ${MAX_CUSTOM_ATTRIBUTES} custom attributes.`,
        );
      }
      await tx.pools.update({
        ...pool,
        config: { ...pool.config, SchemaAttributes: schema },
        lastModifiedDate: now,
      });
      return true;
    });
    if (!found) fail("ResourceNotFoundException", messages.poolNotFound(id));
    deps.directory.forgetPool(id);
    return {};
  },
);
