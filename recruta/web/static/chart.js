// Charts drawn as inline SVG (no chart library): the score gauge and the per-signal breakdown.

import { t } from "./i18n.js";

const SVG = "http://www.w3.org/2000/svg";
const SIGNALS = ["skills", "semantic", "lexical", "experience", "languages", "education", "location", "salary"];

/** A signal's name in the page's language (the API's key when it is one the page does not know). */
export const signalLabel = (name) => (SIGNALS.includes(name) ? t(`signal.${name}`) : name);

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

export function band(score) {
  if (score >= 75) return "high";
  if (score >= 55) return "good";
  if (score >= 40) return "mid";
  return "low";
}

/** A ring filled to `score` (0–100) with the number in the middle. */
export function gauge(score) {
  const radius = 52;
  const length = 2 * Math.PI * radius;
  const root = svg("svg", { viewBox: "0 0 128 128", role: "img", "aria-label": t("chart.gauge", { score }), class: `gauge-svg ${band(score)}` });
  root.append(
    svg("circle", { cx: 64, cy: 64, r: radius, class: "gauge-track" }),
    svg("circle", {
      cx: 64, cy: 64, r: radius, class: "gauge-fill", transform: "rotate(-90 64 64)",
      "stroke-dasharray": `${(length * score) / 100} ${length}`,
    }),
    svg("text", { x: 64, y: 70, "text-anchor": "middle", class: "gauge-value", "data-score": score }, String(score)),
    svg("text", { x: 64, y: 90, "text-anchor": "middle", class: "gauge-unit" }, t("chart.of_100")),
  );
  return root;
}

/** One horizontal bar per signal: value 0–100, weight as a label; the signal's detail as a tooltip. */
export function signalChart(signals) {
  const names = Object.keys(signals);
  const row = 34;
  const labelW = 190;
  const barW = 300;
  const height = names.length * row + 8;
  const summary = names.map((n) => `${signalLabel(n)} ${Math.round(signals[n].value * 100)}`).join(", ");
  const root = svg("svg", { viewBox: `0 0 620 ${height}`, role: "img", "aria-label": t("chart.summary", { summary }), class: "signal-chart" });
  names.forEach((name, i) => {
    const sig = signals[name];
    const value = Math.round(sig.value * 100);
    const y = i * row + 6;
    const g = svg("g", { class: `signal ${band(value)}`, "data-signal": name });
    g.append(
      svg("title", {}, `${signalLabel(name)}: ${sig.detail}`),
      svg("text", { x: 0, y: y + 17, class: "signal-label" }, signalLabel(name)),
      svg("rect", { x: labelW, y: y + 4, width: barW, height: 18, rx: 4, class: "bar-track" }),
      svg("rect", { x: labelW, y: y + 4, width: Math.max(2, (barW * value) / 100), height: 18, rx: 4, class: "bar" }),
      svg("text", { x: labelW + barW + 10, y: y + 17, class: "signal-value" }, String(value)),
      svg("text", { x: labelW + barW + 48, y: y + 17, class: "signal-weight" }, t("chart.weight", { n: Math.round(sig.weight * 100) })),
    );
    root.append(g);
  });
  return root;
}
