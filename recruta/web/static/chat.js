// "Conversa": a chat about one candidate (/chat/*). The loaded documents stay visible above the messages,
// answers stream in (/chat/stream read with a ReadableStream), and past sessions can be reopened.

import { ApiError, formText, postForm, postJSON, request } from "./api.js";
import { $, busy, el, showError } from "./ui.js";

const KIND_LABELS = { cv: "CV", recommendation: "Recomendação", interests: "Interesses", job_description: "Vaga" };
const DATE = new Intl.DateTimeFormat("pt-BR", { dateStyle: "short", timeStyle: "short" });

let current = null;

function message(role, content) {
  const body = el("p", { class: "msg-body", text: content });
  const item = el("li", { class: `msg ${role}` }, el("span", { class: "msg-role", text: role === "user" ? "Você" : "Assistente" }), body);
  $("#chat-messages").append(item);
  item.scrollIntoView({ block: "nearest" });
  return body;
}

function showSession(info, messages = []) {
  current = info.session_id;
  $("#chat-create").hidden = true;
  $("#chat-session").hidden = false;
  $("#chat-session-title").textContent = info.title;
  $("#chat-summary").textContent = info.summary;
  $("#chat-docs").replaceChildren(...info.documents.map((d) => el("li", { class: "doc", "data-kind": d.kind },
    el("strong", { text: KIND_LABELS[d.kind] || d.kind }), ` ${d.filename}`,
    el("span", { class: "muted small", text: ` · ${d.chars.toLocaleString("pt-BR")} caracteres` }))));
  $("#chat-messages").replaceChildren();
  for (const m of messages) message(m.role, m.content);
  $("#chat-message").focus();
  markActive();
}

function markActive() {
  for (const button of document.querySelectorAll("#chat-sessions button")) {
    button.setAttribute("aria-current", String(button.dataset.session === current));
  }
}

export async function loadSessions() {
  const status = $("#chat-sessions-status");
  try {
    const { sessions } = await postJSON("../chat/list", {});
    $("#chat-sessions").replaceChildren(...sessions.map((s) => el("li", {},
      el("button", { type: "button", class: "session", "data-session": s.session_id, onclick: () => reopen(s.session_id) },
        el("span", { class: "session-title", text: s.title }),
        el("span", { class: "muted small", text: `${DATE.format(new Date(s.updated_at))} · ${s.n_messages} mensagen(s) · `
          + s.documents.map((k) => KIND_LABELS[k] || k).join(", ") })))));
    $("#chat-sessions-empty").hidden = sessions.length > 0;
    status.replaceChildren();
    markActive();
  } catch (err) {
    showError(status, err);
  }
}

async function reopen(sessionId) {
  const status = $("#chat-sessions-status");
  try {
    const history = await postJSON("../chat/history", { session_id: sessionId });
    showSession(history, history.messages);
  } catch (err) {
    showError(status, err);
  }
}

async function stream(text, into) {
  const res = await request("../chat/stream", {
    json: { session_id: current, message: text, include_history_hires: $("#chat-hires").checked },
  });
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  into.textContent = "";
  into.classList.add("streaming");
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      into.textContent += decoder.decode(value, { stream: true });
    }
    into.textContent += decoder.decode();
  } catch {
    throw new ApiError("A resposta foi interrompida (conexão perdida). O que chegou até aqui foi guardado na conversa.");
  } finally {
    into.classList.remove("streaming");
  }
}

function uploads(form) {
  const data = new FormData();
  for (const input of form.querySelectorAll('input[type="file"]')) {
    if (input.files[0]) data.append(input.name, input.files[0], input.files[0].name);
  }
  const title = $("#chat-title").value.trim();
  if (title) data.append("title", formText(title));
  return data;
}

export function initChat() {
  const create = $("#chat-create");
  const form = $("#chat-form");
  const box = $("#chat-message");
  create.addEventListener("submit", async (event) => {
    event.preventDefault();
    const info = await busy(create, () => postForm("../chat/sessions", uploads(create)), "Lendo os documentos…");
    if (!info) return;
    create.reset();
    showSession(info);
    loadSessions();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = box.value.trim();
    if (!text) return;
    box.value = "";
    message("user", text);
    const answer = message("assistant", "…");
    await busy(form, () => stream(text, answer), "Gerando a resposta…");
    if (!answer.textContent.trim() || answer.textContent === "…") answer.closest("li").remove();
    loadSessions();
    box.focus();
  });
  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  $("#chat-new").addEventListener("click", () => {
    current = null;
    $("#chat-session").hidden = true;
    $("#chat-create").hidden = false;
    $("#chat-cv").focus();
    markActive();
  });
  $("#chat-delete").addEventListener("click", async () => {
    if (!current || !window.confirm("Excluir esta conversa, com os documentos e mensagens?")) return;
    const deleted = await busy(form, () => postJSON("../chat/delete", { session_id: current }), "Excluindo…");
    if (!deleted) return;
    $("#chat-new").click();
    loadSessions();
  });
}
