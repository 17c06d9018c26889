// "Ranking": the candidates of a vaga ordered by score (/rank), with the actual hires marked.

import { ApiError, postJSON } from "./api.js";
import { band } from "./chart.js";
import { t } from "./i18n.js";
import { $, busy, el, openRecord, vagaPicker } from "./ui.js";

function scoreCell(score) {
  const bar = el("span", { class: `meter-fill ${band(score)}` });
  bar.style.width = `${score}%`;
  return el("td", { class: "score" }, el("span", { class: "meter", "aria-hidden": "true" }, bar), el("span", { text: String(score) }));
}

function row(candidate, position) {
  const name = t("record.candidate", { name: candidate.name || t("record.someone"), id: candidate.candidate_id });
  return el("tr", { class: candidate.hired ? "hired" : "", "data-candidate": candidate.candidate_id },
    el("td", { text: String(position) }),
    el("td", {}, el("button", { type: "button", class: "link", text: name,
      onclick: () => openRecord(`candidato:${candidate.candidate_id}`) })),
    scoreCell(candidate.score),
    el("td", { text: candidate.status || (candidate.applied ? t("rank.applied") : "—") }),
    el("td", {}, candidate.hired ? el("span", { class: "badge hired", text: t("rank.hired_badge") }) : el("span", { class: "muted", text: "—" })));
}

function render(result) {
  $("#rank-title").textContent = t("record.vaga", { id: result.job.vaga_id, title: result.job.title });
  const shown = new Set(result.candidates.map((c) => c.candidate_id));
  const missing = (result.hired || []).filter((id) => !shown.has(id)).length;
  $("#rank-summary").textContent = [t("rank.scored", { n: result.n_scored }),
    t("rank.hired", { n: (result.hired || []).length }), missing ? t("rank.missing", { n: missing }) : ""]
    .filter(Boolean).join(" · ");
  const rows = result.candidates.map((c, i) => row(c, i + 1));
  $("#rank-rows").replaceChildren(...(rows.length ? rows : [el("tr", {}, el("td", { colspan: 5, class: "muted", text: t("rank.none") }))]));
  $("#rank-result").hidden = false;
}

export function initRank() {
  const form = $("#rank-form");
  const picker = vagaPicker($("#rank-vaga"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const result = await busy(form, () => {
      if (!picker.value) throw new ApiError(t("match.need_vaga"));
      return postJSON("../rank", { vaga_id: picker.value.vaga_id, scope: $("#rank-scope").value,
        limit: Number($("#rank-limit").value) || 20 });
    }, t("rank.busy"), { clears: "#rank-result" });
    if (result) render(result);
  });
}
