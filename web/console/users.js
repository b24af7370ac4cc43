// Users: a pool's users, one user's details and recent auth events, and the actions. Each
// action asks first (a dialog), then POSTs to the console, which runs the API operation.
import { $, badge, confirmDialog, enc, getJson, h, postAction, statusBadge, timeEl, toast } from "./dom.js";
import { state } from "./state.js";

export async function showUsers(poolId, username) {
  const chosen = poolId || state.usersPool || state.pools[0]?.id || "";
  if (!poolId && chosen) {
    history.replaceState(null, "", `#users/${enc(chosen)}`);
  }
  const poolChanged = chosen !== state.usersPool;
  state.usersPool = chosen;
  $("u-pool").value = chosen;
  state.selected = username;
  if (poolChanged) state.users = [];
  await loadUsers();
  await loadDetail();
}

export async function loadUsers() {
  const poolId = state.usersPool;
  const empty = $("users-empty");
  if (!poolId) {
    $("user-rows").replaceChildren();
    empty.textContent = state.pools.length
      ? "Choose a pool to see its users."
      : "There are no user pools yet.";
    empty.hidden = false;
    $("users-more").hidden = true;
    return;
  }
  // Re-read as many users as are shown, so a live refresh keeps "load more" pages.
  const users = [];
  let after = null;
  let next = null;
  const want = Math.max(state.users.length, 1);
  do {
    const { status, body } = await getJson(
      `/_dev/api/pools/${enc(poolId)}/users${after ? `?after=${enc(after)}` : ""}`,
    );
    if (status === 404 || !body) {
      state.users = [];
      $("user-rows").replaceChildren();
      empty.textContent = `There is no pool ${poolId}.`;
      empty.hidden = false;
      $("users-more").hidden = true;
      return;
    }
    users.push(...body.users);
    next = body.next;
    after = next;
  } while (next && users.length < want);
  if (poolId !== state.usersPool) return;
  state.users = users;
  state.usersNext = next;
  renderUsers();
}

export async function loadMoreUsers() {
  const { body } = await getJson(
    `/_dev/api/pools/${enc(state.usersPool)}/users?after=${enc(state.usersNext)}`,
  );
  if (!body) return;
  state.users.push(...body.users);
  state.usersNext = body.next;
  renderUsers();
}

function contactOf(u) {
  return u.attributes.email ?? u.attributes.phone_number ?? "—";
}

function renderUsers() {
  const rows = $("user-rows");
  const focusedUser = document.activeElement?.closest?.("#user-rows tr")?.dataset.username;
  rows.replaceChildren(
    ...state.users.map((u) => {
      const open = h(
        "a",
        { href: `#users/${enc(state.usersPool)}/${enc(u.username)}`, class: "user-link" },
        u.username,
      );
      return h(
        "tr",
        { "data-username": u.username, class: u.username === state.selected ? "is-selected" : "" },
        h("td", {}, open),
        h("td", {}, statusBadge(u.status)),
        h("td", {}, u.enabled ? badge("enabled", "st-enabled") : badge("disabled", "st-disabled")),
        h("td", {}, contactOf(u)),
        h("td", {}, timeEl(u.createdAt)),
      );
    }),
  );
  if (focusedUser) {
    for (const tr of rows.children) if (tr.dataset.username === focusedUser) tr.querySelector("a")?.focus();
  }
  const empty = $("users-empty");
  empty.textContent = "No users in this pool yet. Sign one up from your app.";
  empty.hidden = state.users.length > 0;
  $("users-more").hidden = !state.usersNext;
}

export async function loadDetail() {
  const panel = $("user-detail");
  const layout = panel.parentElement;
  if (!state.selected || !state.usersPool) {
    state.detailJson = null;
    panel.hidden = true;
    layout.classList.remove("has-detail");
    return;
  }
  const poolId = state.usersPool;
  const username = state.selected;
  const { status, body } = await getJson(`/_dev/api/pools/${enc(poolId)}/users/${enc(username)}`);
  if (poolId !== state.usersPool || username !== state.selected) return;
  panel.hidden = false;
  layout.classList.add("has-detail");
  if (status === 404 || !body) {
    state.detailJson = null;
    panel.replaceChildren(
      h(
        "div",
        { class: "card" },
        h("h2", { id: "ud-title", tabindex: "-1" }, username),
        h("p", { class: "muted" }, "This user no longer exists."),
        h("a", { href: `#users/${enc(poolId)}` }, "Close"),
      ),
    );
    return;
  }
  renderDetail(panel, poolId, body);
}

const ACTIONS = {
  confirm: {
    label: "Confirm user",
    op: "AdminConfirmSignUp",
    title: "Confirm this user?",
    text: (u) => `${u} becomes CONFIRMED without a code. Their email or phone stays unverified.`,
    ok: "Confirm user",
  },
  resend: {
    label: "Resend code",
    op: "ResendConfirmationCode",
    title: "Send a new code?",
    text: (u) => `A new confirmation code goes to ${u}; the previous code stops working.`,
    ok: "Send code",
  },
  disable: {
    label: "Disable",
    op: "AdminDisableUser",
    title: "Disable this user?",
    text: (u) => `${u} can no longer sign in until enabled again.`,
    ok: "Disable user",
    danger: true,
  },
  enable: {
    label: "Enable",
    op: "AdminEnableUser",
    title: "Enable this user?",
    text: (u) => `${u} can sign in again.`,
    ok: "Enable user",
  },
  delete: {
    label: "Delete…",
    op: "AdminDeleteUser",
    title: "Delete this user?",
    text: (u) => `${u} and everything stored about them is deleted. This cannot be undone.`,
    ok: "Delete user",
    danger: true,
  },
};

async function runAction(action, poolId, user) {
  const a = ACTIONS[action];
  const extra = [];
  let clientSelect = null;
  if (action === "resend") {
    const clients = state.poolsById.get(poolId)?.clients ?? [];
    clientSelect = h(
      "select",
      { id: "dlg-client" },
      ...clients.map((c) =>
        h(
          "option",
          { value: c.clientId },
          `${c.name} — ${c.clientId}${c.hasSecret ? " (secret: Cognate computes the SecretHash)" : ""}`,
        ),
      ),
    );
    const noSecret = clients.find((c) => !c.hasSecret);
    if (noSecret) clientSelect.value = noSecret.clientId;
    extra.push(
      h("div", { class: "field" }, h("label", { for: "dlg-client" }, "Through app client"), clientSelect),
    );
  }
  const ok = await confirmDialog({
    title: a.title,
    text: a.text(user.username),
    op: a.op,
    okLabel: a.ok,
    danger: a.danger,
    extra,
  });
  if (!ok) return;
  const r = await postAction(
    poolId,
    user.username,
    action,
    clientSelect ? { clientId: clientSelect.value } : {},
  );
  if (r.ok) {
    const where = r.result?.CodeDeliveryDetails?.Destination;
    toast(`${a.op}: done for ${user.username}${where ? ` (code sent to ${where})` : ""}.`);
    if (action === "delete") {
      location.hash = `#users/${enc(poolId)}`;
      return;
    }
  } else {
    toast(
      `${a.op} failed: ${r.error?.type ?? "error"}${r.error?.message ? ` — ${r.error.message}` : ""}`,
      true,
    );
  }
  await loadUsers();
  await loadDetail();
  // The button pressed may be gone (Confirm, once confirmed): the focus stays in the panel.
  const back = $("user-detail").querySelector(`[data-action="${action}"]`) ?? $("ud-title");
  if (!$("user-detail").hidden) back?.focus();
}

function renderDetail(panel, poolId, d) {
  const json = JSON.stringify(d);
  if (json === state.detailJson && panel.firstChild) return;
  state.detailJson = json;
  // A live refresh re-renders the panel: the focus goes back to the same control.
  const active = document.activeElement;
  const hadFocus = panel.contains(active) ? (active.dataset.action ?? active.id ?? "") : null;
  const u = d.user;
  const buttons = [];
  const btn = (action, cls) => {
    const b = h(
      "button",
      { type: "button", class: `btn ${cls ?? ""}`, "data-action": action },
      ACTIONS[action].label,
    );
    b.addEventListener("click", () => void runAction(action, poolId, u));
    buttons.push(b);
  };
  if (u.status === "UNCONFIRMED") {
    btn("confirm", "btn-primary");
    btn("resend");
  }
  if (u.enabled) btn("disable");
  else btn("enable");
  btn("delete", "btn-danger-outline");
  const attrs = Object.entries(u.attributes).sort(([a], [b]) => a.localeCompare(b));
  panel.replaceChildren(
    h(
      "div",
      { class: "card" },
      h(
        "div",
        { class: "card-head" },
        h("h2", { id: "ud-title", tabindex: "-1" }, u.username),
        h("a", { href: `#users/${enc(poolId)}`, "aria-label": `Close ${u.username}` }, "Close"),
      ),
      h(
        "p",
        {},
        statusBadge(u.status),
        " ",
        u.enabled ? badge("enabled", "st-enabled") : badge("disabled", "st-disabled"),
      ),
      h("div", { class: "actions", role: "group", "aria-label": `Actions on ${u.username}` }, buttons),
      h(
        "dl",
        { class: "attrs" },
        h("dt", {}, "sub"),
        h("dd", { class: "mono" }, u.sub),
        h("dt", {}, "created"),
        h("dd", {}, timeEl(u.createdAt)),
        h("dt", {}, "modified"),
        h("dd", {}, timeEl(u.updatedAt)),
      ),
      h("h3", {}, "Attributes"),
      attrs.length
        ? h("dl", { class: "attrs" }, ...attrs.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]))
        : h("p", { class: "muted" }, "None."),
      // Groups: shown once the store has them (the server sends null until then).
      Array.isArray(d.groups)
        ? [
            h("h3", {}, "Groups"),
            d.groups.length ? h("p", {}, d.groups.join(", ")) : h("p", { class: "muted" }, "In no group."),
          ]
        : null,
      h("h3", {}, "Recent auth events"),
      d.events.length
        ? h(
            "ul",
            { class: "events" },
            ...d.events.map((e) =>
              h(
                "li",
                {},
                h("span", { class: "ev-type" }, e.type),
                timeEl(e.createdAt),
                h(
                  "span",
                  { class: "ev-meta" },
                  [e.clientId && `client ${e.clientId}`, e.ipAddress && `from ${e.ipAddress}`, e.userAgent]
                    .filter(Boolean)
                    .join(" · "),
                ),
              ),
            ),
          )
        : h("p", { class: "muted" }, "None yet."),
      h(
        "p",
        {},
        h("a", { href: `#messages?pool=${enc(poolId)}&user=${enc(u.username)}` }, "Messages for this user"),
      ),
    ),
  );
  if (hadFocus !== null) {
    const again =
      (hadFocus && panel.querySelector(`[data-action="${hadFocus}"]`)) ||
      (hadFocus && $(hadFocus)) ||
      $("ud-title");
    again?.focus();
  }
}

$("u-pool").addEventListener("change", (e) => {
  location.hash = `#users/${enc(e.target.value)}`;
});
$("users-more").addEventListener("click", () => void loadMoreUsers());
