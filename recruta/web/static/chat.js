// "Conversa": a chat about one candidate (/chat/*). The loaded documents stay visible above the messages,
// answers stream in (/chat/stream read with a ReadableStream), and past sessions can be reopened. A document can be
// added or replaced in an open conversation (/chat/documents); the change shows in the history.
//
// Answers are a small Markdown subset (paragraphs, "-" and "1." lists, **bold**, _italic_, `code`, "> " quotes),
// rendered by building DOM nodes whose text is set with textContent: the model's text is never parsed as HTML, so
// nothing in it (tags, scripts, event attributes, links) can run or load anything.

import { ApiError, formText, postForm, postJSON, request } from "./api.js";
import { locale, t } from "./i18n.js";
import { $, busy, el, showError } from "./ui.js";

const KINDS = ["cv", "recommendation", "interests", "job_description"];
const kindLabel = (kind) => (KINDS.includes(kind) ? t(`chat.kind.${kind}`) : kind);
const ROLES = ["user", "assistant", "event"];
const date = (value) => new Intl.DateTimeFormat(locale(), { dateStyle: "short", timeStyle: "short" }).format(value);

let current = null;
let currentKinds = [];

const INLINE = /(\*\*[^*\n]+?\*\*|`[^`\n]+`|(?<![\w*])\*(?![\s*])[^*\n]+?\*(?![\w*])|(?<![\w_])_(?![\s_])[^_\n]+?_(?![\w_]))/;

/** Inline Markdown of one line as nodes: strong, em and code elements around text nodes. */
function inline(text) {
  const nodes = [];
  for (const [i, part] of text.split(INLINE).entries()) {
    if (!part) continue;
    if (i % 2 === 0) nodes.push(document.createTextNode(part));
    else if (part.startsWith("**")) nodes.push(el("strong", { text: part.slice(2, -2) }));
    else if (part.startsWith("`")) nodes.push(el("code", { text: part.slice(1, -1) }));
    else nodes.push(el("em", { text: part.slice(1, -1) }));
  }
  return nodes;
}

/** The Markdown subset as a DocumentFragment (see the header): built node by node, never through innerHTML. */
export function renderMarkdown(text) {
  const out = document.createDocumentFragment();
  let block = null;  // the open <p>, <ul>, <ol> or <blockquote>
  const open = (tag, attrs = {}) => {
    if (!block || block.tagName !== tag.toUpperCase()) {
      block = el(tag, attrs);
      out.append(block);
    }
    return block;
  };
  for (const line of String(text).split(/\r?\n/)) {
    let m;
    if (!line.trim()) {
      block = null;
    } else if ((m = line.match(/^\s*[-*•]\s+(.*)$/))) {
      open("ul").append(el("li", {}, ...inline(m[1])));
    } else if ((m = line.match(/^\s*(\d{1,3})[.)]\s+(.*)$/))) {
      open("ol", { start: m[1] }).append(el("li", {}, ...inline(m[2])));
    } else if ((m = line.match(/^\s*>\s?(.*)$/))) {
      const quote = open("blockquote");
      if (quote.childNodes.length) quote.append(el("br"));
      quote.append(...inline(m[1]));
    } else if ((m = line.match(/^\s*#{1,6}\s+(.*)$/))) {
      block = null;
      out.append(el("p", {}, el("strong", { text: m[1] })));
    } else {
      const p = open("p");
      if (p.childNodes.length) p.append(el("br"));
      p.append(...inline(line.trim()));
    }
  }
  return out;
}

function message(role, content) {
  const body = el("div", { class: role === "assistant" ? "msg-body md" : "msg-body" });
  if (role === "assistant") body.append(renderMarkdown(content));
  else body.textContent = content;
  const item = el("li", { class: `msg ${role}` }, el("span", { class: "msg-role", text: ROLES.includes(role) ? t(`chat.role.${role}`) : role }), body);
  $("#chat-messages").append(item);
  item.scrollIntoView({ block: "nearest" });
  return body;
}

function kindButton() {
  const kind = $("#chat-doc-kind").value;
  const key = currentKinds.includes(kind) ? "chat.doc_replace" : "chat.doc_add";
  $("#chat-doc-submit").setAttribute("data-i18n", key);
  $("#chat-doc-submit").textContent = t(key);
}

function showSession(info, messages = []) {
  current = info.session_id;
  $("#chat-create").hidden = true;
  $("#chat-session").hidden = false;
  $("#chat-session-title").textContent = info.title;
  $("#chat-summary").textContent = info.summary;
  $("#chat-docs").replaceChildren(...info.documents.map((d) => el("li", { class: "doc", "data-kind": d.kind },
    el("strong", { text: kindLabel(d.kind) }), ` ${d.filename}`,
    el("span", { class: "muted small", text: ` · ${t("chat.chars", { n: d.chars.toLocaleString(locale()) })}` }))));
  currentKinds = info.documents.map((d) => d.kind);
  kindButton();
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
        el("span", { class: "muted small", text: `${date(new Date(s.updated_at))} · ${t("chat.n_messages", { n: s.n_messages })} · `
          + s.documents.map(kindLabel).join(", ") })))));
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
  let answer = "";
  into.textContent = "";
  into.classList.add("streaming");
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      answer += decoder.decode(value, { stream: true });
      into.textContent = answer;  // plain text while it arrives; Markdown once it is whole
    }
    answer += decoder.decode();
  } catch {
    throw new ApiError(t("chat.interrupted"));
  } finally {
    into.classList.remove("streaming");
    into.replaceChildren(renderMarkdown(answer));
  }
}

async function addDocument(form) {
  const input = $("#chat-doc-file");
  const file = input.files[0];
  if (!current || !file) return;
  const data = new FormData();
  data.append("session_id", formText(current));
  data.append("kind", formText($("#chat-doc-kind").value));
  data.append("file", file, file.name);
  const history = await busy(form, () => postForm("../chat/documents", data), t("chat.busy.doc"));
  if (!history) return;
  form.reset();
  showSession(history, history.messages);
  loadSessions();
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
    const info = await busy(create, () => postForm("../chat/sessions", uploads(create)), t("chat.busy.docs"));
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
    await busy(form, () => stream(text, answer), t("chat.busy.answer"));
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
  const docForm = $("#chat-doc-form");
  docForm.addEventListener("submit", (event) => {
    event.preventDefault();
    addDocument(docForm);
  });
  $("#chat-doc-kind").addEventListener("change", kindButton);
  $("#chat-delete").addEventListener("click", async () => {
    if (!current || !window.confirm(t("chat.confirm_delete"))) return;
    const deleted = await busy(form, () => postJSON("../chat/delete", { session_id: current }), t("chat.busy.delete"));
    if (!deleted) return;
    $("#chat-new").click();
    loadSessions();
  });
}
