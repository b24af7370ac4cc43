// The migrations, run at start-up in order, each once (Kysely records them by name). One
// numbered file per migration; the same migrations serve SQLite and PostgreSQL, and where
// the engines differ a migration is told which one it runs on. A migration's name and effect
// never change once released: existing databases have it recorded as applied. From 0004 on
// each migration also has a `down`, so that test/e2e/upgrade.test.ts can rebuild the schema
// of an earlier version.
import type { Kysely, Migration, MigrationProvider } from "kysely";
import type { Engine } from "../schema.js";
import { initial } from "./0001_initial.js";
import { accessKeys } from "./0002_access_keys.js";
import { outboxWithoutUserIndex } from "./0003_outbox_without_user_index.js";
import { codesPreviousText } from "./0004_codes_previous_text.js";
import { userCredentials } from "./0005_user_credentials.js";
import { tokens } from "./0006_tokens.js";
import { signInFailures } from "./0007_sign_in_failures.js";
import { groups } from "./0008_groups.js";
import { pendingAttributes } from "./0009_pending_attributes.js";
import { userMfa } from "./0010_user_mfa.js";
import { devices } from "./0011_devices.js";
import { eventChallenges } from "./0012_event_challenges.js";
import { outboxQueueIndexes } from "./0013_outbox_queue_indexes.js";
import { passwordHistory } from "./0014_password_history.js";
import { partialAttributeIndexes } from "./0015_partial_attribute_indexes.js";
import { clusteredCodesLimits } from "./0016_clustered_codes_limits.js";

// biome-ignore lint/suspicious/noExplicitAny: migrations operate on a schema that is still being built.
export type AnyDb = Kysely<any>;

export function migrations(engine: Engine): Record<string, Migration> {
  return {
    "0001_initial": initial(engine),
    "0002_access_keys": accessKeys,
    "0003_outbox_without_user_index": outboxWithoutUserIndex,
    "0004_codes_previous_text": codesPreviousText,
    "0005_user_credentials": userCredentials,
    "0006_tokens": tokens,
    "0007_sign_in_failures": signInFailures,
    "0008_groups": groups(engine),
    "0009_pending_attributes": pendingAttributes,
    "0010_user_mfa": userMfa,
    "0011_devices": devices,
    "0012_event_challenges": eventChallenges,
    "0013_outbox_queue_indexes": outboxQueueIndexes,
    "0014_password_history": passwordHistory,
    "0015_partial_attribute_indexes": partialAttributeIndexes(engine),
    "0016_clustered_codes_limits": clusteredCodesLimits(engine),
  };
}

export function migrationProvider(engine: Engine): MigrationProvider {
  return { getMigrations: async () => migrations(engine) };
}
