// The page's wording: every label, hint and message comes from the "page" catalogue
// (recruta/i18n/catalogues/page.json, served at static/i18n.json), never from strings in this code.
//
// Language: the one saved by the visible switch (localStorage), else the first of the browser's languages
// (navigator.languages) that the page speaks, else Portuguese. Static text is marked in index.html with
// data-i18n="key" (text) and data-i18n-<attribute>="key" (placeholder, aria-label, title); elements built by the
// panels are worded with t(key, fields) when built. The page's language also goes to every API call as
// Accept-Language (api.js), so errors, verdicts and advice come back in it.

const STORAGE = "recruta.lang";
const ATTRIBUTES = ["placeholder", "aria-label", "title"];
const HTML_LANG = { pt: "pt-BR", en: "en", es: "es" };

let catalogues = { pt: {} };
let current = "pt";

/** The languages the page speaks, in the order of the switch. */
export const languages = () => Object.keys(catalogues);

/** The page's language ("pt", "en" or "es"). */
export const lang = () => current;

/** The BCP 47 tag of the page's language, for Intl formatting and Accept-Language. */
export const locale = () => HTML_LANG[current] || current;

/** The message `key` in the page's language (Portuguese when missing), `{name}` fields filled from `fields`. */
export function t(key, fields = {}) {
  const text = catalogues[current]?.[key] ?? catalogues.pt?.[key];
  if (text === undefined) {
    console.error(`no message "${key}" in the page catalogue`);
    return key;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in fields ? String(fields[name]) : whole));
}

/** The language to start in: the saved choice, else the browser's first language we speak, else Portuguese. */
export function initialLanguage(available = languages()) {
  let saved = null;
  try {
    saved = localStorage.getItem(STORAGE);
  } catch {
    saved = null;  // storage disabled: the browser's language still applies
  }
  if (available.includes(saved)) return saved;
  for (const tag of navigator.languages?.length ? navigator.languages : [navigator.language || ""]) {
    const base = String(tag).toLowerCase().split("-")[0];
    if (available.includes(base)) return base;
  }
  return "pt";
}

/** Word every marked element under `root` in the page's language. */
export function translate(root = document) {
  for (const node of root.querySelectorAll("[data-i18n]")) {
    const fields = node.dataset.i18nFields ? JSON.parse(node.dataset.i18nFields) : {};
    node.textContent = t(node.dataset.i18n, fields);
  }
  for (const name of ATTRIBUTES) {
    for (const node of root.querySelectorAll(`[data-i18n-${name}]`)) {
      const fields = node.dataset.i18nFields ? JSON.parse(node.dataset.i18nFields) : {};
      node.setAttribute(name, t(node.getAttribute(`data-i18n-${name}`), fields));
    }
  }
}

/** Switch the page to `code`: remembered for the next visits, applied to everything on the page now. */
export function setLanguage(code, { remember = true } = {}) {
  if (!(code in catalogues)) return;
  current = code;
  document.documentElement.lang = locale();
  document.title = t("page.title");
  if (remember) {
    try {
      localStorage.setItem(STORAGE, code);
    } catch {
      // storage disabled: the choice holds for this visit only
    }
  }
  translate(document);
  document.dispatchEvent(new CustomEvent("recruta:language", { detail: code }));
}

/** Load the catalogues (one request, every language) and word the page in its starting language. */
export async function loadLanguages() {
  const res = await fetch("static/i18n.json", { headers: { Accept: "application/json" } });
  if (!res.ok) throw new Error(`static/i18n.json: HTTP ${res.status}`);
  catalogues = await res.json();
  setLanguage(initialLanguage(), { remember: false });
}

/** The switch in the top bar: a <select> of the languages, showing and changing the page's language. */
export function initSwitch(select) {
  select.replaceChildren(...languages().map((code) => {
    const option = document.createElement("option");
    option.value = code;
    option.setAttribute("data-i18n", `lang.${code}`);
    option.textContent = t(`lang.${code}`);
    return option;
  }));
  select.value = current;
  select.addEventListener("change", () => setLanguage(select.value));
  document.addEventListener("recruta:language", () => { select.value = current; });
}
