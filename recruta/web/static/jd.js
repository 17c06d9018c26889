// "Descrição de vaga": the form → /generate_jd; edit one section → /jd/regenerate; rate → /jd/feedback.

import { postJSON } from "./api.js";
import { lang, t } from "./i18n.js";
import { $, busy, el, openRecord, showNote } from "./ui.js";

const SECTIONS = ["summary", "responsibilities", "requirements", "nice_to_have", "benefits", "salary"];
const sectionLabel = (name) => (SECTIONS.includes(name) ? t(`jd.section.${name}`) : name);
const languageName = (code) => (["pt", "en", "es"].includes(code) ? t(`jd.language.${code}`) : code);

let jd = null;

const splitList = (text) => text.split(/[,;\n]/).map((s) => s.trim()).filter(Boolean);

function requestBody(form) {
  const data = new FormData(form);
  const body = { title: data.get("title"), language: data.get("language"), currency: data.get("currency") || "BRL" };
  for (const name of ["company", "company_description", "job_type", "location", "remote"]) {
    if (data.get(name).trim()) body[name] = data.get(name).trim();
  }
  for (const name of ["skills", "nice_to_have", "benefits"]) body[name] = splitList(data.get(name));
  for (const name of ["years_experience", "salary_min", "salary_max"]) {
    if (data.get(name) !== "") body[name] = Number(data.get(name));
  }
  return body;
}

function content(value) {
  if (Array.isArray(value)) return el("ul", {}, ...value.map((item) => el("li", { text: item })));
  return el("p", { text: value });
}

function editor(name, block) {
  const value = jd.sections[name];
  const area = el("textarea", { id: `jd-edit-${name}`, rows: Array.isArray(value) ? Math.max(4, value.length + 1) : 4 });
  area.value = Array.isArray(value) ? value.join("\n") : value;
  const form = el("form", { class: "jd-editor" },
    el("label", { for: area.id, text: Array.isArray(value) ? t("jd.one_per_line") : t("jd.section_text") }), area,
    el("div", { class: "row end" },
      el("button", { type: "button", class: "secondary", text: t("common.cancel"), onclick: () => render(jd) }),
      el("button", { type: "submit", class: "primary", text: t("jd.regenerate") })),
    el("div", { class: "status", role: "status", "aria-live": "polite" }));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const next = await busy(form, () => postJSON("../jd/regenerate", { jd_id: jd.id, section: name, content: area.value }),
      t("jd.busy.regenerate"));
    if (!next) return;
    render(next);
    showNote($("#jd-status"), t("jd.kept", { section: sectionLabel(name) }));
  });
  block.replaceChildren(block.firstChild, form);
  area.focus();
}

function section(name, value) {
  const edited = name in (jd.edits || {});
  const head = el("div", { class: "jd-section-head" },
    el("h4", { text: sectionLabel(name) }),
    edited ? el("span", { class: "badge edited", text: t("jd.edited") }) : null,
    el("button", { type: "button", class: "link small", text: t("jd.edit"), "aria-label": t("jd.edit_label", { section: sectionLabel(name) }) }));
  const block = el("section", { class: "jd-section", "data-section": name }, head, content(value));
  head.querySelector("button").addEventListener("click", () => editor(name, block));
  return block;
}

function render(result) {
  jd = result;
  $("#jd-heading").textContent = result.request.title;
  const sources = (result.used_vaga_ids || []).map((id) =>
    el("button", { type: "button", class: "link", text: id, onclick: () => openRecord(`vaga:${id}`) }));
  const meta = $("#jd-meta");
  meta.replaceChildren(t("jd.meta", { language: languageName(result.language), generator: result.generator }));
  if (sources.length) meta.append(t("jd.history_lines"), ...sources.flatMap((b, i) => (i ? [", ", b] : [b])));
  if (result.history_note) meta.append(" · ", result.history_note);
  $("#jd-sections").replaceChildren(...Object.entries(result.sections)
    .filter(([, value]) => value && (!Array.isArray(value) || value.length))
    .map(([name, value]) => section(name, value)));
  $("#jd-status").replaceChildren();
  $("#jd-result").hidden = false;
}

export function initJD() {
  const form = $("#jd-form");
  $("#jd-language").value = lang();  // the JD is written in the page's language unless the recruiter picks another
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const result = await busy(form, () => postJSON("../generate_jd", requestBody(form)), t("jd.busy"),
      { clears: "#jd-result" });
    if (!result) return;
    $("#jd-rating").reset();
    render(result);
  });
  $("#jd-copy").addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(jd.markdown);
      showNote($("#jd-status"), t("jd.copied"));
    } catch {
      showNote($("#jd-status"), t("jd.copy_failed"));
    }
  });
  const rating = $("#jd-rating");
  rating.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(rating);
    const body = { jd_id: jd.id, rating: Number(data.get("rating")), comment: data.get("comment") };
    const saved = await busy(rating, () => postJSON("../jd/feedback", body), t("common.sending"));
    if (saved) showNote($(".status", rating), t("jd.thanks", { rating: saved.rating }));
  });
}
