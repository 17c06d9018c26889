// "Compatibilidade": an uploaded CV against an indexed vaga or a pasted job text (/match_file).

import { ApiError, formText, postForm } from "./api.js";
import { gauge, signalChart } from "./chart.js";
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

function render(result) {
  $("#match-gauge").replaceChildren(gauge(result.score));
  const job = result.job.vaga_id ? `Vaga ${result.job.vaga_id} — ${result.job.title}` : `Vaga: ${result.job.title}`;
  $("#match-job-title").textContent = job;
  $("#match-verdict").textContent = result.verdict;
  const cv = result.cv;
  $("#match-cv-info").textContent = [`CV lido como ${cv.kind.toUpperCase()}`, cv.pages ? `${cv.pages} página(s)` : "",
    ...(cv.warnings || [])].filter(Boolean).join(" · ");
  $("#match-chart").replaceChildren(signalChart(result.signals));
  $("#match-strengths").replaceChildren(...list(result.strengths.map(strengthItem), "Nenhum requisito da vaga encontrado no CV."));
  $("#match-gaps").replaceChildren(...list(result.gaps.map(gapItem), "Nenhuma lacuna encontrada."));
  $("#match-sections").replaceChildren(...Object.entries(result.sections).map(([name, ok]) =>
    el("li", { class: ok ? "yes" : "no" }, el("span", { "aria-hidden": "true", text: ok ? "✓" : "✗" }),
      ` ${SECTION_LABELS[name] || name}: ${ok ? "presente" : "ausente"}`)));
  $("#match-advice").replaceChildren(...result.advice.map((a) => el("li", { text: a })));
  $("#match-result").hidden = false;
}

function formData(picker) {
  const file = $("#match-cv").files[0];
  if (!file) throw new ApiError("Escolha o arquivo do CV (PDF, DOCX ou TXT).");
  const data = new FormData();
  data.append("cv_file", file, file.name);
  if ($('input[name="job-source"]:checked').value === "vaga") {
    if (!picker.value) throw new ApiError("Escolha uma vaga na lista (busque por título ou código).");
    data.append("vaga_id", formText(picker.value.vaga_id));
  } else {
    const text = $("#match-job-text").value.trim();
    if (!text) throw new ApiError("Cole o texto da vaga.");
    data.append("job_text", formText(text));
  }
  return data;
}

export function initMatch() {
  const form = $("#match-form");
  const picker = vagaPicker($("#match-vaga"));
  for (const radio of form.querySelectorAll('input[name="job-source"]')) {
    radio.addEventListener("change", () => {
      const byText = radio.value === "text" && radio.checked;
      $("#match-vaga").hidden = byText;
      $("#match-text-box").hidden = !byText;
    });
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const result = await busy(form, () => postForm("../match_file", formData(picker)), "Lendo o CV e calculando…", { clears: "#match-result" });
    if (result) render(result);
  });
}
