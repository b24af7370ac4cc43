// Cognate dev console: plain JavaScript modules, no build step, no dependencies. Every value
// from the server reaches the page as text (textContent, attributes), never as markup. This
// module: building elements, fetching, and the small shared pieces (toast, dialog, copy).
export const token =
  document.querySelector('meta[name="cognate-console-token"]')?.getAttribute("content") ?? "";
export const $ = (id) => document.getElementById(id);
export const enc = encodeURIComponent;

/** Builds an element: h("a", { href: "#", class: "x", onclick: f }, "text", child, …). */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "hidden") el.hidden = true;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export async function getJson(path) {
  const r = await fetch(path, { headers: { accept: "application/json" }, cache: "no-store" });
  if (!r.ok && r.status !== 404) throw new Error(`${path} answered ${r.status}`);
  return { status: r.status, body: r.status === 404 ? null : await r.json() };
}

export async function postAction(poolId, username, action, body) {
  const r = await fetch(`/_dev/api/pools/${enc(poolId)}/users/${enc(username)}/${action}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-cognate-console-token": token },
    body: JSON.stringify(body ?? {}),
  });
  let json = null;
  try {
    json = await r.json();
  } catch {
    json = null;
  }
  if (json && typeof json.ok === "boolean") return json;
  return { ok: false, operation: action, error: { type: `HTTP ${r.status}`, message: json?.error ?? "" } };
}

export function fmtTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const sameDay = d.toDateString() === new Date().toDateString();
  const time = d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  return sameDay ? time : `${d.toLocaleDateString([], { month: "short", day: "numeric" })} ${time}`;
}
export const timeEl = (iso) => h("time", { datetime: iso, title: iso }, fmtTime(iso));
export const badge = (text, cls) => h("span", { class: `badge ${cls ?? ""}` }, text);
export const statusBadge = (s) => badge(s, `st-${s}`);

let toastTimer = null;
export function toast(text, isError) {
  const t = $("toast");
  t.textContent = text;
  t.classList.toggle("is-error", Boolean(isError));
  t.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    t.hidden = true;
  }, 6000);
}

export function announce(text) {
  const a = $("announcer");
  a.textContent = "";
  // A fresh text node after a tick makes screen readers read repeated messages too.
  setTimeout(() => {
    a.textContent = text;
  }, 30);
}

export async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Permission refused or unavailable: fall through to the selection-based copy.
  }
  const ta = h("textarea", { readonly: true, "aria-hidden": "true" });
  ta.value = text;
  ta.style.position = "fixed";
  ta.style.top = "-1000px";
  document.body.append(ta);
  ta.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  ta.remove();
  return ok;
}

/** Asks before an action. Resolves true when confirmed; focus returns where it was. */
export function confirmDialog({ title, text, op, okLabel, danger, extra }) {
  const dlg = $("confirm-dialog");
  const opener = document.activeElement;
  $("dlg-title").textContent = title;
  $("dlg-text").textContent = text;
  $("dlg-op").textContent = op ? `Runs the ${op} operation, as an API call would.` : "";
  $("dlg-extra").replaceChildren(...(extra ?? []));
  const ok = $("dlg-ok");
  ok.textContent = okLabel;
  ok.className = `btn ${danger ? "btn-danger" : "btn-primary"}`;
  dlg.returnValue = "";
  dlg.showModal();
  $("dlg-cancel").focus();
  return new Promise((resolve) => {
    dlg.addEventListener(
      "close",
      () => {
        if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
        resolve(dlg.returnValue === "ok");
      },
      { once: true },
    );
  });
}
