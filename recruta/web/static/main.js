// Entry point: the page's language (i18n.js), tabs, dialogs, each panel, and the footer with the model being
// served (/info).

import { postJSON } from "./api.js";
import { initAsk } from "./ask.js";
import { initChat, loadSessions } from "./chat.js";
import { initSwitch, loadLanguages, t } from "./i18n.js";
import { initJD } from "./jd.js";
import { initMatch } from "./match.js";
import { initRank } from "./rank.js";
import { $, el, fmt, initDialogs, initTabs, showError } from "./ui.js";

const METRICS = [["rougeL", "ROUGE-L"], ["rouge1", "ROUGE-1"], ["bleu", "BLEU"], ["hit_at_k", "hit@k"], ["mrr", "MRR"]];

async function loadInfo() {
  const footer = $("#model-info");
  footer.removeAttribute("data-i18n");  // "Carregando…" no more: from here on the footer is built (and rebuilt)
  try {
    const info = await postJSON("../info", {});
    const metrics = info.metrics || {};
    footer.replaceChildren(
      el("span", {}, t("footer.model"), el("strong", { "data-version": info.registry_version,
        text: `${info.registered_model} v${info.registry_version}` })),
      el("span", { text: t("footer.alias", { alias: info.alias }) }),
      el("span", { text: t("footer.generator", { generator: info.generator, embedder: info.embedder }) }),
      ...METRICS.filter(([key]) => typeof metrics[key] === "number")
        .map(([key, label]) => el("span", { class: "metric", text: `${label} ${fmt(metrics[key], 3)}` })),
      el("span", { class: "muted", text: `run ${info.run_name || info.run_id}` }),
    );
    footer.className = "footer";
  } catch (err) {
    showError(footer, err);
    footer.classList.add("footer");
  }
}

const opened = new Set();

function onShow(panel) {
  if (panel === "chat" && !opened.has(panel)) loadSessions();
  opened.add(panel);
}

async function start() {
  try {
    await loadLanguages();
  } catch (err) {
    console.error(err);  // the page still works, its labels as keys
  }
  initSwitch($("#lang-switch"));
  initDialogs();
  initTabs(onShow);
  initAsk();
  initMatch();
  initRank();
  initChat();
  initJD();
  loadInfo();
  document.addEventListener("recruta:language", loadInfo);  // the footer is built, not marked: word it again
}

start();
