// Every call to the service goes through here: the API key (asked once, kept in sessionStorage),
// readable error messages (never a stack trace) and the request id of server errors, all in the page's language
// (sent as Accept-Language, so the service's own messages, verdicts and advice come back in it too).

import { locale, t } from "./i18n.js";

const KEY_STORAGE = "recruta.apiKey";
const TRACE = /Traceback \(most recent call last\)|File "[^"]+", line \d+/;
const STATUS_TEXT = [401, 404, 413, 422, 503];  // statuses with a message of their own (error.<status>)

export class ApiError extends Error {}

let pendingKey = null;

function askForKey(reasonKey) {
  pendingKey ??= new Promise((resolve, reject) => {
    const dialog = document.getElementById("key-dialog");
    const input = document.getElementById("key-input");
    const reason = document.getElementById("key-reason");
    reason.setAttribute("data-i18n", reasonKey);
    reason.textContent = t(reasonKey);
    input.value = "";
    dialog.returnValue = "";
    dialog.addEventListener("close", () => {
      pendingKey = null;
      const key = input.value.trim();
      if (dialog.returnValue === "ok" && key) {
        sessionStorage.setItem(KEY_STORAGE, key);
        resolve();
      } else {
        reject(new ApiError(t("key.required")));
      }
    }, { once: true });
    dialog.showModal();
  });
  return pendingKey;
}

// Every error of the service has one shape: {"error": {"status", "code", "message", "field"}, "request_id"},
// its message already in the language the page asks for (Accept-Language below).
async function readError(res) {
  let message = "";
  try {
    message = JSON.parse(await res.text()).error.message;
  } catch {
    message = "";
  }
  if (typeof message !== "string" || !message.trim() || TRACE.test(message)) {
    message = STATUS_TEXT.includes(res.status) ? t(`error.${res.status}`) : t("error.http", { status: res.status });
  }
  const rid = res.headers.get("x-request-id");
  return res.status >= 500 && rid ? t("error.with_id", { message, id: rid }) : message;
}

function build(method, json, form, key) {
  const headers = { "Accept-Language": locale() };  // the page's language
  if (key) headers.Authorization = `Bearer ${key}`;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    return { method, headers, body: JSON.stringify(json) };
  }
  return { method, headers, body: form };
}

/** fetch `path` (relative to /ui/) and return the Response; throws ApiError with a readable message. */
export async function request(path, { method = "POST", json, form } = {}) {
  for (let attempt = 0; ; attempt++) {
    const used = sessionStorage.getItem(KEY_STORAGE);
    let res;
    try {
      res = await fetch(path, build(method, json, form, used));
    } catch {
      throw new ApiError(t("error.offline"));
    }
    if (res.status === 401 && attempt < 3) {
      if (sessionStorage.getItem(KEY_STORAGE) === used) {  // else another request already got a new key
        sessionStorage.removeItem(KEY_STORAGE);
        await askForKey(used ? "key.rejected" : "key.reason");
      }
      continue;
    }
    if (!res.ok) throw new ApiError(await readError(res));
    return res;
  }
}

export async function postJSON(path, json) {
  return (await request(path, { json })).json();
}

/** A text field of a multipart form. BentoML JSON-decodes each form value ("1003" would arrive as a number),
 *  so text is sent JSON-encoded and arrives exactly as typed. */
export const formText = (value) => JSON.stringify(value);

export async function postForm(path, form) {
  return (await request(path, { form })).json();
}

export async function getJSON(path) {
  return (await request(path, { method: "GET" })).json();
}
