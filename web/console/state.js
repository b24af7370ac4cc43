// What the console shows and remembers between live refreshes.
export const state = {
  view: "messages",
  pools: [],
  poolsById: new Map(),
  filters: { userPoolId: "", username: "", destination: "" },
  msgEls: new Map(),
  seen: new Set(),
  expanded: new Set(),
  loadedOnce: false,
  knownUsers: new Set(),
  knownDests: new Set(),
  newWhileAway: 0,
  usersPool: "",
  users: [],
  usersNext: null,
  selected: null,
  /** Last rendered JSON of the pools and of the open user: unchanged data is not re-rendered. */
  poolsJson: null,
  detailJson: null,
  resetPending: false,
};

export const poolName = (id) => state.poolsById.get(id)?.name ?? null;
