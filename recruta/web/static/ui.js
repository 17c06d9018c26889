// Small DOM helpers shared by the panels: element builder, progress/error status, tabs, the record
// dialog and the searchable vaga picker. Text is always set with textContent (never parsed as HTML).

import { ApiError, getJSON } from "./api.js";
import { locale, t } from "./i18n.js";

export const $ = (selector, root = document) => root.querySelector(selector);

/** el("p", {class: "x", text: "hi", onclick: fn, "aria-label": "…"}, child, …) */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

// a strength's CV quote, and the skill it names when it only implies the one credited ("Django" implies python)
export const cvQuote = (s) => (s.implied_by
  ? t("match.quote_cv_implied", { text: s.evidence, skill: s.skill })
  : t("match.quote_cv", { text: s.evidence }));

export const fmt = (value, digits = 2) =>
  new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(value);

export function showError(status, err) {
  const message = err instanceof ApiError ? err.message : t("error.page");
  if (!(err instanceof ApiError)) console.error(err);
  status.className = "status error";
  status.replaceChildren(el("span", { role: "alert", text: message }));
}

export function showNote(status, message) {
  status.className = "status ok";
  status.replaceChildren(el("span", { text: message }));
}

/** Run `fn` with the form's buttons disabled and a progress bar with elapsed seconds; errors go to the status line. */
// While a request runs: progress with elapsed seconds, buttons disabled; `clears` (the previous result) is hidden at
// once, so an error never sits above a stale result of an earlier request.
export async function busy(form, fn, label = t("common.busy"), { clears } = {}) {
  if (clears) $(clears).hidden = true;
  const status = $(".status", form);
  const buttons = [...form.querySelectorAll("button")];
  const text = el("span", { text: label });
  const started = performance.now();
  const timer = setInterval(() => {
    text.textContent = `${label} ${Math.round((performance.now() - started) / 1000)} s`;
  }, 1000);
  buttons.forEach((b) => { b.disabled = true; });
  form.setAttribute("aria-busy", "true");
  status.className = "status working";
  status.replaceChildren(el("progress", { "aria-label": label }), text);
  try {
    const result = await fn();
    status.className = "status";
    status.replaceChildren();
    return result;
  } catch (err) {
    showError(status, err);
    return undefined;
  } finally {
    clearInterval(timer);
    buttons.forEach((b) => { b.disabled = false; });
    form.removeAttribute("aria-busy");
  }
}

// ------------------------------------------------------------------ tabs (arrow keys, Home/End)
export function initTabs(onShow) {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  const select = (tab) => {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute("aria-selected", String(on));
      t.tabIndex = on ? 0 : -1;
      document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
    }
    onShow(tab.id.replace("tab-", ""));
  };
  tabs.forEach((tab, i) => {
    tab.addEventListener("click", () => select(tab));
    tab.addEventListener("keydown", (event) => {
      const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      const target = tabs[(next + tabs.length) % tabs.length];
      target.focus();
      select(target);
    });
  });
}

// ------------------------------------------------------------------ dialogs and indexed records
export function initDialogs() {
  for (const dialog of document.querySelectorAll("dialog")) {
    dialog.addEventListener("click", (event) => {
      if (event.target === dialog || event.target.closest("[data-close]")) dialog.close();
    });
  }
}

const META_FIELDS = ["title", "client", "level", "english", "location", "state", "status", "outcome", "hired"];
const OUTCOMES = ["hired", "not_approved", "withdrew", "in_process"];

/** "Vaga 1003 — title", "Name (código 10042)", …: a record's title in the page's language. */
export function recordTitle(meta) {
  const name = meta.name || t("record.someone");
  if (meta.type === "vaga") return t("record.vaga", { id: meta.vaga_id, title: meta.title || "" });
  if (meta.type === "candidato") return t("record.candidate", { name, id: meta.candidate_id });
  if (meta.type === "prospect") return t("record.prospect", { name, vaga: meta.vaga_id, title: meta.title || "" });
  return meta.title || meta.type || t("record.title");
}

function metaValue(name, value) {
  if (name === "hired") return value ? t("common.yes") : t("common.no");
  if (name === "outcome") return OUTCOMES.includes(value) ? t(`outcome.${value}`) : value;
  return String(value);
}

export async function openRecord(id) {
  const dialog = $("#record-dialog");
  const title = $("#record-title");
  const meta = $("#record-meta");
  const text = $("#record-text");
  title.textContent = t("record.loading");
  meta.replaceChildren();
  text.textContent = "";
  if (!dialog.open) dialog.showModal();
  try {
    const record = await getJSON(`api/record?id=${encodeURIComponent(id)}`);
    title.textContent = recordTitle(record.metadata);
    for (const name of META_FIELDS) {
      const value = record.metadata[name];
      if (value === undefined || value === "" || (name === "title" && record.type !== "candidato")) continue;
      meta.append(el("dt", { text: t(`meta.${name}`) }), el("dd", { text: metaValue(name, value) }));
    }
    text.textContent = record.text;
  } catch (err) {
    title.textContent = t("record.failed");
    text.textContent = err instanceof ApiError ? err.message : t("error.unexpected");
  }
}

// ------------------------------------------------------------------ searchable vaga picker (ARIA combobox)
export function vagaPicker(container) {
  const id = container.id;
  const input = el("input", {
    id: `${id}-input`, type: "search", role: "combobox", autocomplete: "off", "aria-autocomplete": "list",
    "aria-expanded": "false", "aria-controls": `${id}-list`, placeholder: t("picker.placeholder"),
    "data-i18n-placeholder": "picker.placeholder",
  });
  const list = el("ul", { id: `${id}-list`, role: "listbox", class: "options", "aria-label": t("picker.found"),
    "data-i18n-aria-label": "picker.found", hidden: true });
  const picked = el("p", { class: "picked muted small", "aria-live": "polite" });
  const unpicked = () => {
    picked.setAttribute("data-i18n", "picker.none_chosen");
    picked.textContent = t("picker.none_chosen");
    picked.classList.add("muted");
  };
  unpicked();
  container.append(el("label", { for: input.id, text: t("picker.label"), "data-i18n": "picker.label" }), input, list, picked);

  let options = [];
  let active = -1;
  let seq = 0;
  let timer;
  const state = { value: null };

  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const choose = (vaga) => {
    state.value = vaga;
    input.value = `${vaga.vaga_id} — ${vaga.title}`;
    picked.removeAttribute("data-i18n");
    picked.textContent = t("picker.chosen", { id: vaga.vaga_id, title: vaga.title }) + (vaga.client ? ` (${vaga.client})` : "");
    picked.classList.remove("muted");
    close();
  };
  const highlight = (n) => {
    active = n;
    [...list.children].forEach((li, i) => li.setAttribute("aria-selected", String(i === n)));
    if (n >= 0 && list.children[n]) {
      input.setAttribute("aria-activedescendant", list.children[n].id);
      list.children[n].scrollIntoView({ block: "nearest" });
    }
  };
  const render = (vagas, total) => {
    options = vagas;
    list.replaceChildren(...vagas.map((v, i) => el("li", {
      id: `${id}-opt-${i}`, role: "option", "aria-selected": "false",
      onmousedown: (event) => { event.preventDefault(); choose(v); },
    }, el("strong", { text: v.vaga_id }), ` ${v.title}`, el("span", { class: "muted", text: v.client ? ` · ${v.client}` : "" }))));
    if (!vagas.length) list.append(el("li", { class: "muted empty", text: t("picker.none") }));
    else if (total > vagas.length) list.append(el("li", { class: "muted empty", text: t("picker.more", { n: total - vagas.length }) }));
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    highlight(-1);
  };
  const search = async () => {
    const mine = ++seq;
    try {
      const found = await getJSON(`api/vagas?limit=12&q=${encodeURIComponent(input.value)}`);
      if (mine === seq && document.activeElement === input) render(found.vagas, found.total);
    } catch (err) {
      picked.removeAttribute("data-i18n");
      picked.textContent = err instanceof ApiError ? err.message : t("picker.error");
    }
  };

  input.addEventListener("input", () => {
    state.value = null;
    unpicked();
    clearTimeout(timer);
    timer = setTimeout(search, 150);
  });
  input.addEventListener("focus", search);
  input.addEventListener("blur", close);
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (list.hidden) { search(); return; }
      const step = event.key === "ArrowDown" ? 1 : -1;
      highlight(Math.max(0, Math.min(options.length - 1, active + step)));
    } else if (event.key === "Enter" && !list.hidden && active >= 0) {
      event.preventDefault();
      choose(options[active]);
    } else if (event.key === "Escape") {
      close();
    }
  });
  return { get value() { return state.value; }, input, select: choose };
}
