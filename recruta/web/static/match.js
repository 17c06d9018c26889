// "Compatibilidade": a CV (an uploaded file or pasted text) against an indexed vaga or a pasted job text
// (/match_file or /match); with the CV alone, the indexed vagas that fit it best (suggest.js).

import { ApiError, formText, postForm, postJSON } from "./api.js";
import { gauge, signalChart } from "./chart.js";
import { initSuggest } from "./suggest.js";
import { $, busy, el, vagaPicker } from "./ui.js";

const SECTION_LABELS = {
  experience: "Experiência profissional", education: "Formação", hard_skills: "Competências técnicas",
  soft_skills: "Competências comportamentais", languages: "Idiomas",
};
const GAP_LABELS = {
  languages: "Idiomas", education: "Formação", experience: "Experiência", location: "Local", salary: "Salário",
};

function strengthItem(s) {
  return el("li", {}, el("strong", { text: s.skill }),
    el("span", { class: "small", text: ` — vaga: “${s.requirement}”` }),
    el("span", { class: "quote", text: `CV: “${s.evidence}”` }));
}

function gapItem(g) {
  if (!g.skill) return el("li", {}, el("strong", { text: GAP_LABELS[g.requirement] || g.requirement }), ` — ${g.evidence}`);
  return el("li", {}, el("strong", { text: g.skill }),
    el("span", { class: "small", text: ` — vaga: “${g.requirement}”` }),
    el("span", { class: "quote missing", text: "não encontrado no CV" }));
}

function list(items, empty) {
  return items.length ? items : [el("li", { class: "muted", text: empty })];
}

function cvInfo(cv) {
  const how = cv.kind === "text" ? "CV colado como texto" : `CV lido como ${cv.kind.toUpperCase()}`;
  return [how, cv.pages ? `${cv.pages} página(s)` : "", ...(cv.warnings || [])].filter(Boolean).join(" · ");
}

function render(result) {
  $("#match-gauge").replaceChildren(gauge(result.score));
  const job = result.job.vaga_id ? `Vaga ${result.job.vaga_id} — ${result.job.title}` : `Vaga: ${result.job.title}`;
  $("#match-job-title").textContent = job;
  $("#match-verdict").textContent = result.verdict;
  $("#match-cv-info").textContent = cvInfo(result.cv);
  $("#match-chart").replaceChildren(signalChart(result.signals));
  $("#match-strengths").replaceChildren(...list(result.strengths.map(strengthItem), "Nenhum requisito da vaga encontrado no CV."));
  $("#match-gaps").replaceChildren(...list(result.gaps.map(gapItem), "Nenhuma lacuna encontrada."));
  $("#match-sections").replaceChildren(...Object.entries(result.sections).map(([name, ok]) =>
    el("li", { class: ok ? "yes" : "no" }, el("span", { "aria-hidden": "true", text: ok ? "✓" : "✗" }),
      ` ${SECTION_LABELS[name] || name}: ${ok ? "presente" : "ausente"}`)));
  $("#match-advice").replaceChildren(...result.advice.map((a) => el("li", { text: a })));
  $("#match-result").hidden = false;
}

/** The CV as the form holds it: {text} when pasted, {file} when uploaded; a readable error when missing. */
function cvInput() {
  if ($('input[name="cv-source"]:checked').value === "text") {
    const text = $("#match-cv-text").value.trim();
    if (!text) throw new ApiError("Cole o texto do CV.");
    return { text };
  }
  const file = $("#match-cv").files[0];
  if (!file) throw new ApiError("Escolha o arquivo do CV (PDF, DOCX ou TXT).");
  return { file };
}

function job(picker) {
  if ($('input[name="job-source"]:checked').value === "vaga") {
    if (!picker.value) throw new ApiError("Escolha uma vaga na lista (busque por título ou código).");
    return { vaga_id: picker.value.vaga_id };
  }
  const text = $("#match-job-text").value.trim();
  if (!text) throw new ApiError("Cole o texto da vaga.");
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
    const result = await busy(form, () => request(picker), "Lendo o CV e calculando…", { clears: "#match-result" });
    if (result) render(result);
    return result;
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  // "Ver compatibilidade detalhada" on a suggested vaga: that vaga in the picker, then the full match.
  initSuggest(form, {
    cv: cvInput, cvInfo, gapLabels: GAP_LABELS,
    compare: async (vaga) => {
      const byVaga = $('input[name="job-source"][value="vaga"]');
      byVaga.checked = true;
      byVaga.dispatchEvent(new Event("change"));
      picker.select(vaga);
      if (await run()) $("#match-result").scrollIntoView({ block: "start" });
    },
  });
}
