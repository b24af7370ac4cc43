// Messages: every message Cognate rendered, newest first, with its code in large type. Items
// already shown are kept (not re-created) on a live refresh, so focus and open bodies stay.
// An email's HTML body is shown in a sandboxed frame (no scripts, opaque origin).
import {
  $,
  announce,
  badge,
  confirmDialog,
  copyText,
  getJson,
  h,
  statusBadge,
  timeEl,
  toast,
  token,
} from "./dom.js";
import { poolName, state } from "./state.js";

export function updateNavCount() {
  const c = $("nav-count");
  c.textContent = state.newWhileAway > 0 ? String(state.newWhileAway) : "";
  c.setAttribute("aria-label", state.newWhileAway > 0 ? `${state.newWhileAway} new` : "");
}

export function setFilters(f) {
  state.filters = { ...f };
  $("f-user").value = f.username;
  $("f-dest").value = f.destination;
  $("f-pool").value = f.userPoolId;
  void loadMessages(true);
}

function looksLikeHtml(s) {
  return /<\/?[a-z][\s\S]*>/i.test(s);
}

function messageBody(m) {
  const facts = h(
    "dl",
    {},
    m.subject !== null ? [h("dt", {}, "Subject"), h("dd", {}, m.subject)] : null,
    h("dt", {}, "To"),
    h("dd", {}, `${m.destination} (${m.attributeName})`),
    h("dt", {}, "Client"),
    h("dd", { class: "mono" }, m.clientId ?? "—"),
    h("dt", {}, "Message id"),
    h("dd", { class: "mono" }, m.id),
    m.delivery.lastError
      ? [h("dt", {}, "Last error"), h("dd", { class: "error-text" }, m.delivery.lastError)]
      : null,
  );
  let body;
  if (m.medium === "EMAIL" && looksLikeHtml(m.body)) {
    // sandbox="" : no scripts, no forms, no navigation, an opaque origin.
    const frame = h("iframe", {
      sandbox: "",
      title: `Email body for ${m.username}`,
      referrerpolicy: "no-referrer",
    });
    frame.srcdoc = m.body;
    body = [frame, h("details", { class: "source" }, h("summary", {}, "HTML source"), h("pre", {}, m.body))];
  } else {
    body = h("pre", {}, m.body);
  }
  return h("div", { class: "msg-body", id: `body-${m.id}` }, facts, body);
}

function deliveryText(m) {
  const d = m.delivery;
  return `via ${d.transport}${d.attempts > 1 ? `, ${d.attempts} attempts` : ""}`;
}

function messageItem(m) {
  const codeBox = h("div", { class: "msg-code" }, h("span", { class: "code-label" }, "Code"));
  if (m.code) {
    const copy = h(
      "button",
      { type: "button", class: "btn btn-small", "aria-label": `Copy code ${m.code} for ${m.username}` },
      "Copy",
    );
    copy.addEventListener("click", async () => {
      const ok = await copyText(m.code);
      copy.textContent = ok ? "Copied" : "Copy failed";
      announce(ok ? `Code ${m.code} copied` : "Could not copy; select the code and copy it by hand");
      setTimeout(() => {
        copy.textContent = "Copy";
      }, 1800);
    });
    codeBox.append(h("span", { class: "code", "data-code": m.code }, m.code), copy);
  } else {
    codeBox.append(h("span", { class: "no-code" }, "No code in this message"));
  }
  const more = h(
    "button",
    { type: "button", class: "btn-link", "aria-expanded": "false", "aria-controls": `body-${m.id}` },
    "Show full message",
  );
  const main = h(
    "div",
    { class: "msg-main" },
    h(
      "div",
      { class: "msg-who" },
      h("span", { class: "msg-user" }, m.username),
      badge(m.medium, m.medium === "EMAIL" ? "badge-email" : "badge-sms"),
      h("span", { class: "msg-dest" }, m.destination),
    ),
    h(
      "ul",
      { class: "msg-facts" },
      h("li", {}, timeEl(m.createdAt)),
      h(
        "li",
        {},
        h("span", { class: "k" }, "Pool "),
        poolName(m.userPoolId) ?? "",
        " ",
        h("span", { class: "mono" }, m.userPoolId),
      ),
      h("li", {}, h("span", { class: "k" }, "Trigger "), m.triggerSource),
      h(
        "li",
        { class: "delivery" },
        statusBadge(m.delivery.status),
        " ",
        h("span", { class: "delivery-text" }, deliveryText(m)),
      ),
    ),
    h("div", { class: "msg-more" }, more),
  );
  const li = h("li", { class: "msg", "data-id": m.id, "data-username": m.username }, codeBox, main);
  let bodyEl = null;
  const toggle = (open) => {
    more.setAttribute("aria-expanded", String(open));
    more.textContent = open ? "Hide full message" : "Show full message";
    if (open) {
      bodyEl = messageBody(li.message);
      main.append(bodyEl);
      state.expanded.add(m.id);
    } else {
      bodyEl?.remove();
      bodyEl = null;
      state.expanded.delete(m.id);
    }
  };
  more.addEventListener("click", () => toggle(more.getAttribute("aria-expanded") !== "true"));
  li.message = m;
  if (state.expanded.has(m.id)) toggle(true);
  return li;
}

function updateMessage(li, m) {
  li.message = m;
  const d = li.querySelector(".delivery");
  if (d)
    d.replaceChildren(
      statusBadge(m.delivery.status),
      " ",
      h("span", { class: "delivery-text" }, deliveryText(m)),
    );
}

let loadingMessages = null;
let reloadMessages = false;
export async function loadMessages(reset) {
  if (loadingMessages) {
    reloadMessages = true;
    if (reset) state.resetPending = true;
    return loadingMessages;
  }
  loadingMessages = (async () => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(state.filters)) if (v.trim()) q.set(k, v.trim());
    const { body } = await getJson(`/_dev/api/messages${q.size ? `?${q}` : ""}`);
    renderMessages(body?.messages ?? [], Boolean(body?.truncated), reset || state.resetPending);
    state.resetPending = false;
  })();
  try {
    await loadingMessages;
  } catch (e) {
    $("messages-summary").textContent = `Cannot load messages: ${e.message}`;
  } finally {
    loadingMessages = null;
  }
  if (reloadMessages) {
    reloadMessages = false;
    await loadMessages(false);
  }
}

function renderMessages(messages, truncated, reset) {
  const ol = $("message-list");
  if (reset) {
    ol.replaceChildren();
    state.msgEls.clear();
  }
  const ids = new Set(messages.map((m) => m.id));
  for (const [id, el] of state.msgEls) {
    if (!ids.has(id)) {
      el.remove();
      state.msgEls.delete(id);
    }
  }
  const arrived = [];
  // Oldest to newest: each new message goes above the one before it, so the list stays
  // newest first without moving (and un-focusing) the items already shown.
  let older = null;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    state.knownUsers.add(m.username);
    state.knownDests.add(m.destination);
    let el = state.msgEls.get(m.id);
    if (el) updateMessage(el, m);
    else {
      el = messageItem(m);
      state.msgEls.set(m.id, el);
      ol.insertBefore(el, older);
      if (state.loadedOnce && !state.seen.has(m.id)) {
        el.classList.add("is-new");
        arrived.push(m);
      }
    }
    state.seen.add(m.id);
    older = el;
  }
  state.loadedOnce = true;
  $("messages-empty").hidden = messages.length > 0;
  const filtered = Object.values(state.filters).some((v) => v.trim());
  $("messages-summary").textContent = messages.length
    ? `${messages.length}${truncated ? " most recent" : ""} message${messages.length === 1 ? "" : "s"}${filtered ? " matching the filters" : ""}, newest first.`
    : filtered
      ? "No message matches the filters."
      : "";
  fillDatalist("dl-users", state.knownUsers);
  fillDatalist("dl-dests", state.knownDests);
  if (arrived.length) {
    const newest = arrived[arrived.length - 1];
    announce(
      `${arrived.length === 1 ? "New message" : `${arrived.length} new messages`}: ${newest.medium} to ${newest.destination} for ${newest.username}${newest.code ? `, code ${newest.code.split("").join(" ")}` : ""}`,
    );
    if (state.view !== "messages") {
      state.newWhileAway += arrived.length;
      updateNavCount();
    }
  }
}

function fillDatalist(id, values) {
  const dl = $(id);
  if (dl.childElementCount === values.size) return;
  dl.replaceChildren(...[...values].sort().map((v) => h("option", { value: v })));
}

let filterTimer = null;
function readFilters() {
  clearTimeout(filterTimer);
  filterTimer = setTimeout(() => {
    state.filters = {
      userPoolId: $("f-pool").value,
      username: $("f-user").value,
      destination: $("f-dest").value,
    };
    void loadMessages(true);
  }, 200);
}
const form = $("message-filters");
form.addEventListener("input", readFilters);
form.addEventListener("change", readFilters);
form.addEventListener("submit", (e) => e.preventDefault());
form.addEventListener("reset", () => {
  history.replaceState(null, "", "#messages");
  setTimeout(readFilters, 0);
});

$("clear-inbox").addEventListener("click", async () => {
  const ok = await confirmDialog({
    title: "Clear the inbox?",
    text: "Every recorded message is deleted, for all pools (DELETE /_dev/messages).",
    okLabel: "Clear inbox",
    danger: true,
  });
  if (!ok) return;
  const r = await fetch("/_dev/messages", {
    method: "DELETE",
    headers: { "x-cognate-console-token": token },
  });
  if (r.ok) toast("The inbox is empty.");
  else toast(`Could not clear the inbox (HTTP ${r.status}).`, true);
  await loadMessages(true);
});
