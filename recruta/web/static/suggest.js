// "Vagas para este CV": the indexed vagas that fit the CV best (/suggest_vagas for pasted text,
// /suggest_vagas_file for an upload), each with its score bar, strengths and gaps. The title opens the vaga's
// record; "Ver compatibilidade detalhada" runs the full match against it (the same score, by construction).

import { ApiError, postForm, postJSON } from "./api.js";
import { band } from "./chart.js";
import { t } from "./i18n.js";
import { $, busy, cvQuote, el, openRecord } from "./ui.js";

const MAX_CHIPS = 6;
const MAX_LIMIT = 50;

function chips(items, kind, empty) {
  if (!items.length) return el("p", { class: "muted small", text: empty });
  const shown = items.slice(0, MAX_CHIPS).map(([text, title]) => el("li", { class: `chip ${kind}`, text, title }));
  if (items.length > MAX_CHIPS) {
    shown.push(el("li", { class: "chip more", text: `+${items.length - MAX_CHIPS}`,
      title: items.slice(MAX_CHIPS).map(([text]) => text).join(", ") }));
  }
  return el("ul", { class: `chips ${kind}`, "aria-label": kind === "ok" ? t("match.strengths") : t("match.gaps") }, ...shown);
}

function item(vaga, { gapLabel, compare }) {
  const fill = el("span", { class: `meter-fill ${band(vaga.score)}` });
  fill.style.width = `${vaga.score}%`;
  const strengths = vaga.strengths.map((s) => [s.skill,
    `${t("match.quote_job", { text: s.requirement })} · ${cvQuote(s)}`]);
  const gaps = vaga.gaps.map((g) => (g.skill ? [g.skill, t("match.quote_job", { text: g.requirement })]
    : [gapLabel(g.requirement), g.evidence || ""]));
  const where = [vaga.client, vaga.city].filter(Boolean).join(" · ");
  return el("li", { class: "suggestion", "data-vaga": vaga.vaga_id },
    el("div", { class: "suggestion-head" },
      el("span", { class: "score", "aria-label": t("chart.gauge", { score: vaga.score }) },
        el("span", { class: "meter", "aria-hidden": "true" }, fill),
        el("span", { class: "suggestion-score", text: String(vaga.score) })),
      el("button", { type: "button", class: "link", text: t("record.vaga", { id: vaga.vaga_id, title: vaga.title }),
        onclick: () => openRecord(`vaga:${vaga.vaga_id}`) }),
      where ? el("span", { class: "muted small", text: where }) : null),
    el("p", { class: "small suggestion-verdict", text: vaga.verdict }),
    el("div", { class: "columns" },
      el("div", {}, el("h4", { text: t("match.strengths") }), chips(strengths, "ok", t("suggest.no_strengths"))),
      el("div", {}, el("h4", { text: t("match.gaps") }), chips(gaps, "gap", t("suggest.no_gaps")))),
    el("div", { class: "row end" }, el("button", { type: "button", class: "secondary small-btn",
      text: t("suggest.detail"), onclick: () => compare(vaga) })));
}

function render(result, opts) {
  const parts = result.n_vagas
    ? [t("suggest.shown", { shown: result.vagas.length, total: result.n_vagas }),
      t("suggest.scored", { n: result.n_scored }), `${Math.round(result.timings_ms.total)} ms`]
    : [t("suggest.empty")];
  $("#suggest-summary").textContent = [...parts, opts.cvInfo(result.cv)].join(" · ");
  $("#suggest-list").replaceChildren(...result.vagas.map((v) => item(v, opts)));
  $("#suggest-result").hidden = false;
}

function request(cv, limit) {
  if (cv.text !== undefined) return postJSON("../suggest_vagas", { cv_text: cv.text, limit });
  const data = new FormData();
  data.append("cv_file", cv.file, cv.file.name);
  data.append("limit", String(limit));
  return postForm("../suggest_vagas_file", data);
}

/** `opts.cv()` reads the form's CV ({text} or {file}), `opts.compare(vaga)` runs the full match for one vaga. */
export function initSuggest(form, opts) {
  $("#suggest-submit").addEventListener("click", async () => {
    const result = await busy(form, () => {
      const cv = opts.cv();
      const limit = Number($("#suggest-limit").value);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
        throw new ApiError(t("suggest.limit_error", { max: MAX_LIMIT }));
      }
      return request(cv, limit);
    }, t("suggest.busy"), { clears: "#suggest-result" });
    if (result) render(result, opts);
  });
}
