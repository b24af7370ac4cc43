// The console's entry point: routing between the views (the URL's #fragment), the live feed
// (server-sent events from /_dev/events: on "change", re-read what is shown), start-up.
import { $ } from "./dom.js";
import { loadMessages, setFilters, updateNavCount } from "./messages.js";
import { loadPools } from "./pools.js";
import { state } from "./state.js";
import { loadDetail, loadUsers, showUsers } from "./users.js";

function parseHash() {
  const raw = location.hash.slice(1) || "messages";
  const [path, query = ""] = raw.split("?");
  const parts = path.split("/").map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  return { view: parts[0] || "messages", args: parts.slice(1), query: new URLSearchParams(query) };
}

async function route(userNavigated) {
  const { view, args, query } = parseHash();
  const known = ["messages", "pools", "users"].includes(view) ? view : "messages";
  const previousView = state.view;
  const previousUser = state.selected;
  state.view = known;
  for (const v of ["messages", "pools", "users"]) $(`view-${v}`).hidden = v !== known;
  for (const a of document.querySelectorAll(".top nav a")) {
    if (a.dataset.view === known) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  if (known === "messages") {
    state.newWhileAway = 0;
    updateNavCount();
    if (query.has("pool") || query.has("user") || query.has("destination")) {
      setFilters({
        userPoolId: query.get("pool") ?? "",
        username: query.get("user") ?? "",
        destination: query.get("destination") ?? "",
      });
    }
  }
  // A new view: the focus goes to its heading at once, so the next Tab starts there.
  if (userNavigated && known !== previousView) $(`h-${known}`).focus();
  if (known === "users") {
    const [poolId, username] = args;
    await showUsers(poolId ?? "", username ?? null);
    // Keyboard users land where they were going: on the user they opened, or back on the
    // row of the user whose details they closed — unless they moved on meanwhile.
    const a = document.activeElement;
    const waiting =
      !a ||
      a === document.body ||
      a === $("h-users") ||
      $("user-rows").contains(a) ||
      $("user-detail").contains(a);
    if (userNavigated && waiting) {
      if (username && !$("user-detail").hidden) $("ud-title").focus();
      else if (!username && previousUser && previousView === "users") userLink(previousUser)?.focus();
    }
  }
}

function userLink(username) {
  for (const tr of $("user-rows").children)
    if (tr.dataset.username === username) return tr.querySelector("a");
  return null;
}

function setLive(stateName, text) {
  $("live").dataset.state = stateName;
  $("live-text").textContent = text;
}

let refreshing = false;
let again = false;
async function refresh() {
  if (refreshing) {
    again = true;
    return;
  }
  refreshing = true;
  try {
    await loadPools();
    await loadMessages(false);
    if (state.view === "users") {
      await loadUsers();
      await loadDetail();
    }
  } catch (e) {
    setLive("down", `Offline: ${e.message}`);
  } finally {
    refreshing = false;
  }
  if (again) {
    again = false;
    await refresh();
  }
}

function connect() {
  if (!("EventSource" in window)) {
    setInterval(refresh, 1000);
    setLive("live", "Live (polling)");
    return;
  }
  const es = new EventSource("/_dev/events");
  es.addEventListener("ready", () => {
    setLive("live", "Live");
    void refresh();
  });
  es.addEventListener("change", () => void refresh());
  es.addEventListener("error", () => setLive("down", "Reconnecting…"));
}

window.addEventListener("hashchange", () => void route(true));

(async () => {
  try {
    await loadPools();
  } catch (e) {
    setLive("down", `Offline: ${e.message}`);
  }
  await route(false);
  await loadMessages(true);
  connect();
})();
