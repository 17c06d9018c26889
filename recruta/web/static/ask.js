// "Assistente": a question to /responder, the answer and its sources (each opens the indexed record).

import { postJSON } from "./api.js";
import { t } from "./i18n.js";
import { $, busy, el, fmt, openRecord, recordTitle } from "./ui.js";

const FILTERS = {
  vaga: { type: "vaga" },
  candidato: { type: "candidato" },
  prospect: { type: "prospect" },
  hired: { type: "prospect", outcome: "hired" },
};
const TYPES = ["vaga", "candidato", "prospect"];

function sourceItem(source) {
  const meta = { ...source.metadata, type: source.type };
  return el("li", {},
    el("button", { type: "button", class: "source", "data-id": source.id, onclick: () => openRecord(source.id) },
      el("span", { class: `badge ${source.type}`, text: TYPES.includes(source.type) ? t(`type.${source.type}`) : source.type }),
      el("span", { class: "source-title", text: recordTitle(meta) }),
      el("span", { class: "muted small", text: [Number.isInteger(meta.chunk) ? t("ask.chunk", { n: meta.chunk + 1 }) : "",
        t("ask.relevance", { value: fmt(source.score) })].filter(Boolean).join(" · ") }),
      el("span", { class: "snippet", text: source.snippet })));
}

function render(answer) {
  $("#ask-answer").textContent = answer.resposta;
  const total = Object.values(answer.tempos_ms || {}).reduce((a, b) => a + b, 0);
  $("#ask-meta").textContent = t("ask.meta", { model: answer.modelo, ms: fmt(total, 0), id: answer.request_id });
  const sources = answer.fontes.map(sourceItem);
  $("#ask-sources").replaceChildren(...(sources.length ? sources : [el("li", { class: "muted", text: t("ask.no_sources") })]));
  $("#ask-result").hidden = false;
}

export function initAsk() {
  const form = $("#ask-form");
  const question = $("#ask-question");
  question.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { pergunta: question.value, top_k: Number($("#ask-k").value) || undefined };
    const filter = FILTERS[$("#ask-scope").value];
    if (filter) body.filtros = filter;
    const answer = await busy(form, () => postJSON("../responder", body), t("ask.busy"), { clears: "#ask-result" });
    if (answer) render(answer);
  });
}
