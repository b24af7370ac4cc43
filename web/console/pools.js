// Pools & clients: each pool's settings and app clients (never a client secret: the server
// sends only whether there is one). Also fills the pool choosers of the other views.
import { $, badge, enc, getJson, h, timeEl } from "./dom.js";
import { state } from "./state.js";

export async function loadPools() {
  const { body } = await getJson("/_dev/api/pools");
  // Unchanged pools are not re-rendered: re-rendering would take the keyboard focus away.
  const json = JSON.stringify(body?.pools ?? []);
  if (json === state.poolsJson) return;
  state.poolsJson = json;
  state.pools = body?.pools ?? [];
  state.poolsById = new Map(state.pools.map((p) => [p.id, p]));
  renderPoolOptions();
  renderPools();
}

function poolOption(p, selected) {
  return h("option", { value: p.id, selected: p.id === selected }, `${p.name} — ${p.id}`);
}

function renderPoolOptions() {
  const f = $("f-pool");
  f.replaceChildren(
    h("option", { value: "" }, "All pools"),
    ...state.pools.map((p) => poolOption(p, state.filters.userPoolId)),
  );
  if (state.filters.userPoolId && !state.poolsById.has(state.filters.userPoolId)) {
    f.append(h("option", { value: state.filters.userPoolId, selected: true }, state.filters.userPoolId));
  }
  const u = $("u-pool");
  u.replaceChildren(
    h("option", { value: "", disabled: true, selected: !state.usersPool }, "Choose a pool"),
    ...state.pools.map((p) => poolOption(p, state.usersPool)),
  );
}

const list = (xs) => (xs.length ? xs.join(", ") : "none");

function renderPools() {
  const root = $("pool-list");
  $("pools-empty").hidden = state.pools.length > 0;
  root.replaceChildren(
    ...state.pools.map((p) => {
      const t = p.templates;
      const signIn = [
        p.usernameAttributes.length ? `username attributes: ${p.usernameAttributes.join(", ")}` : "username",
        p.aliasAttributes.length ? `aliases: ${p.aliasAttributes.join(", ")}` : null,
        p.caseSensitive ? "case-sensitive" : "case-insensitive",
      ].filter(Boolean);
      const tmpl = [
        ["Email option", t.defaultEmailOption],
        ["Email subject", t.emailSubject],
        ["Email message", t.emailMessage],
        ["Link subject", t.emailSubjectByLink],
        ["Link message", t.emailMessageByLink],
        ["SMS message", t.smsMessage],
      ].filter(([, v]) => v !== null);
      return h(
        "article",
        { class: "card", "aria-labelledby": `pool-${p.id}` },
        h(
          "div",
          { class: "card-head" },
          h("h2", { id: `pool-${p.id}` }, p.name),
          h("span", { class: "ids mono" }, p.id),
        ),
        h(
          "dl",
          { class: "facts" },
          h("div", {}, h("dt", {}, "Users"), h("dd", {}, String(p.userCount))),
          h("div", {}, h("dt", {}, "Created"), h("dd", {}, timeEl(p.createdAt))),
          h("div", {}, h("dt", {}, "Sign-in"), h("dd", {}, signIn.join("; "))),
          h("div", {}, h("dt", {}, "Auto-verified"), h("dd", {}, list(p.autoVerifiedAttributes))),
          h(
            "div",
            {},
            h("dt", {}, "Message templates"),
            h(
              "dd",
              {},
              tmpl.length
                ? h(
                    "ul",
                    { class: "tmpl" },
                    ...tmpl.map(([k, v]) => h("li", {}, h("strong", {}, `${k}: `), v)),
                  )
                : "defaults",
            ),
          ),
          h(
            "div",
            {},
            h("dt", {}, "Triggers"),
            h(
              "dd",
              {},
              p.triggers.length
                ? h(
                    "ul",
                    { class: "tmpl" },
                    ...p.triggers.map((tr) =>
                      h("li", {}, h("strong", {}, `${tr.name}: `), h("span", { class: "mono" }, tr.target)),
                    ),
                  )
                : "none",
            ),
          ),
        ),
        h(
          "div",
          { class: "card-links" },
          h("a", { href: `#users/${enc(p.id)}` }, `Users of ${p.name}`),
          h("a", { href: `#messages?pool=${enc(p.id)}` }, "Messages of this pool"),
        ),
        h("h3", {}, `App clients (${p.clients.length})`),
        p.clients.length
          ? h(
              "div",
              { class: "table-wrap" },
              h(
                "table",
                { class: "table" },
                h("caption", { class: "sr-only" }, `App clients of ${p.name}`),
                h(
                  "thead",
                  {},
                  h(
                    "tr",
                    {},
                    ...["Name", "Client id", "Secret", "Auth flows", "Prevent user existence errors"].map(
                      (c) => h("th", { scope: "col" }, c),
                    ),
                  ),
                ),
                h(
                  "tbody",
                  {},
                  ...p.clients.map((c) =>
                    h(
                      "tr",
                      {},
                      h("td", {}, c.name),
                      h("td", { class: "mono" }, c.clientId),
                      h("td", {}, c.hasSecret ? badge("has a secret") : "no"),
                      h("td", {}, list(c.explicitAuthFlows)),
                      h("td", {}, c.preventUserExistenceErrors ?? "—"),
                    ),
                  ),
                ),
              ),
            )
          : h("p", { class: "muted" }, "No app clients."),
      );
    }),
  );
}
