// "Compatibilidade": a CV (an uploaded file or pasted text) against an indexed vaga or a pasted job text
// (/match_file or /match); with the CV alone, the indexed vagas that fit it best (suggest.js).

import { ApiError, formText, postForm, postJSON } from "./api.js";
import { gauge, signalChart, signalLabel } from "./chart.js";
import { t } from "./i18n.js";
import { initSuggest } from "./suggest.js";
import { $, busy, cvQuote, el, vagaPicker } from "./ui.js";

const SECTIONS = ["experience", "education", "hard_skills", "soft_skills", "languages"];
const sectionLabel = (name) => (SECTIONS.includes(name) ? t(`section.${name}`) : name);

function strengthItem(s) {
  return el("li", {}, el("strong", { text: s.skill }),
    el("span", { class: "small", text: ` — ${t("match.quote_job", { text: s.requirement })}` }),
    el("span", { class: "quote", text: cvQuote(s) }));
}

function gapItem(g) {
  if (!g.skill) return el("li", {}, el("strong", { text: signalLabel(g.requirement) }), ` — ${g.evidence}`);
  // alternatives of one line ("Java ou Spring") are one gap; a nice-to-have one says so
  const skill = [g.skill, ...(g.either || [])].join(" / ") + (g.preferred ? ` (${t("match.nice_to_have")})` : "");
  return el("li", {}, el("strong", { text: skill }),
    el("span", { class: "small", text: ` — ${t("match.quote_job", { text: g.requirement })}` }),
    el("span", { class: "quote missing", text: t("match.not_in_cv") }));
}

function list(items, empty) {
  return items.length ? items : [el("li", { class: "muted", text: empty })];
}

function cvInfo(cv) {
  const how = cv.kind === "text" ? t("match.cv_pasted") : t("match.cv_read", { kind: cv.kind.toUpperCase() });
  return [how, cv.pages ? t("match.pages", { n: cv.pages }) : "", ...(cv.warnings || [])].filter(Boolean).join(" · ");
}

function render(result) {
  $("#match-gauge").replaceChildren(gauge(result.score));
  const job = result.job.vaga_id ? t("record.vaga", { id: result.job.vaga_id, title: result.job.title })
    : t("match.job_title_text", { title: result.job.title });
  $("#match-job-title").textContent = job;
  $("#match-verdict").textContent = result.verdict;
  $("#match-cv-info").textContent = cvInfo(result.cv);
  $("#match-chart").replaceChildren(signalChart(result.signals));
  $("#match-strengths").replaceChildren(...list(result.strengths.map(strengthItem), t("match.no_strengths")));
  $("#match-gaps").replaceChildren(...list(result.gaps.map(gapItem), t("match.no_gaps")));
  $("#match-sections").replaceChildren(...Object.entries(result.sections).map(([name, ok]) =>
    el("li", { class: ok ? "yes" : "no" }, el("span", { "aria-hidden": "true", text: ok ? "✓" : "✗" }),
      ` ${sectionLabel(name)}: ${ok ? t("match.present") : t("match.absent")}`)));
  $("#match-advice").replaceChildren(...result.advice.map((a) => el("li", { text: a })));
  $("#match-result").hidden = false;
}

/** The CV as the form holds it: {text} when pasted, {file} when uploaded; a readable error when missing. */
function cvInput() {
  if ($('input[name="cv-source"]:checked').value === "text") {
    const text = $("#match-cv-text").value.trim();
    if (!text) throw new ApiError(t("match.need_cv_text"));
    return { text };
  }
  const file = $("#match-cv").files[0];
  if (!file) throw new ApiError(t("match.need_cv_file"));
  return { file };
}

function job(picker) {
  if ($('input[name="job-source"]:checked').value === "vaga") {
    if (!picker.value) throw new ApiError(t("match.need_vaga"));
    return { vaga_id: picker.value.vaga_id };
  }
  const text = $("#match-job-text").value.trim();
  if (!text) throw new ApiError(t("match.need_job_text"));
  return { job_text: text };
}

/** A pasted CV goes to /match as JSON, an uploaded one to /match_file as a form. */
function request(picker) {
  const cv = cvInput();
  const target = job(picker);
  if (cv.text !== undefined) return postJSON("../match", { cv_text: cv.text, ...target });
  const data = new FormData();
  data.append("cv_file", cv.file, cv.file.name);
  for (const [name, value] of Object.entries(target)) data.append(name, formText(value));
  return postForm("../match_file", data);
}

function toggle(name, onText) {
  for (const radio of document.querySelectorAll(`input[name="${name}"]`)) {
    radio.addEventListener("change", () => onText(radio.value === "text" && radio.checked));
  }
}

export function initMatch() {
  const form = $("#match-form");
  const picker = vagaPicker($("#match-vaga"));
  toggle("job-source", (byText) => {
    $("#match-vaga").hidden = byText;
    $("#match-text-box").hidden = !byText;
  });
  toggle("cv-source", (byText) => {
    $("#match-cv-file-box").hidden = byText;
    $("#match-cv-text-box").hidden = !byText;
  });
  const run = async () => {
    const result = await busy(form, () => request(picker), t("match.busy"), { clears: "#match-result" });
    if (result) render(result);
    return result;
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  // "Ver compatibilidade detalhada" on a suggested vaga: that vaga in the picker, then the full match.
  initSuggest(form, {
    cv: cvInput, cvInfo, gapLabel: signalLabel,
    compare: async (vaga) => {
      const byVaga = $('input[name="job-source"][value="vaga"]');
      byVaga.checked = true;
      byVaga.dispatchEvent(new Event("change"));
      picker.select(vaga);
      if (await run()) $("#match-result").scrollIntoView({ block: "start" });
    },
  });
}
