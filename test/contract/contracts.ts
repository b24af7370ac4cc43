// Every aggregate's contract, in the order the runners run them (sqlite.test.ts,
// postgres.test.ts): one contract file per aggregate of src/ports/store/.
import { clientsContract } from "./clients.contract.js";
import { codesContract } from "./codes.contract.js";
import { devicesContract } from "./devices.contract.js";
import { eventsContract } from "./events.contract.js";
import { groupsContract } from "./groups.contract.js";
import type { Contract } from "./harness.js";
import { isolationContract } from "./isolation.contract.js";
import { keysContract } from "./keys.contract.js";
import { limitsContract } from "./limits.contract.js";
import { metaContract } from "./meta.contract.js";
import { outboxContract } from "./outbox.contract.js";
import { passwordHistoryContract } from "./passwordHistory.contract.js";
import { pendingAttributesContract } from "./pendingAttributes.contract.js";
import { poolsContract } from "./pools.contract.js";
import { refreshTokensContract } from "./refreshTokens.contract.js";
import { signInFailuresContract } from "./signInFailures.contract.js";
import { signingKeysContract } from "./signingKeys.contract.js";
import { transactionsContract } from "./transactions.contract.js";
import { userSearchContract } from "./userSearch.contract.js";
import { usersContract } from "./users.contract.js";

export const STORE_CONTRACTS: readonly Contract[] = [
  poolsContract,
  clientsContract,
  usersContract,
  userSearchContract,
  groupsContract,
  codesContract,
  limitsContract,
  outboxContract,
  eventsContract,
  pendingAttributesContract,
  metaContract,
  keysContract,
  signingKeysContract,
  refreshTokensContract,
  signInFailuresContract,
  devicesContract,
  passwordHistoryContract,
  transactionsContract,
  isolationContract,
];
