// Every call to the service goes through here: the API key (asked once, kept in sessionStorage),
// readable error messages (never a stack trace) and the request id of server errors.

const KEY_STORAGE = "recruta.apiKey";
const TRACE = /Traceback \(most recent call last\)|File "[^"]+", line \d+/;
const STATUS_TEXT = {
  401: "Chave de acesso ausente ou inválida.",
  404: "Não encontrado.",
  413: "O arquivo é grande demais.",
  422: "Dados inválidos.",
  503: "O serviço está temporariamente indisponível; tente novamente em instantes.",
};

export class ApiError extends Error {}

let pendingKey = null;

function askForKey(reason) {
  pendingKey ??= new Promise((resolve, reject) => {
    const dialog = document.getElementById("key-dialog");
    const input = document.getElementById("key-input");
    document.getElementById("key-reason").textContent = reason;
    input.value = "";
    dialog.returnValue = "";
    dialog.addEventListener("close", () => {
      pendingKey = null;
      const key = input.value.trim();
      if (dialog.returnValue === "ok" && key) {
        sessionStorage.setItem(KEY_STORAGE, key);
        resolve();
      } else {
        reject(new ApiError("Este serviço exige uma chave de acesso: informe-a para continuar."));
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
    message = STATUS_TEXT[res.status] || `O serviço respondeu com um erro (HTTP ${res.status}).`;
  }
  const rid = res.headers.get("x-request-id");
  return res.status >= 500 && rid ? `${message} (ID da requisição: ${rid})` : message;
}

function build(method, json, form, key) {
  const headers = { "Accept-Language": document.documentElement.lang || "pt-BR" };  // the page's language
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
      throw new ApiError("Sem conexão com o serviço. Verifique se ele está no ar e tente novamente.");
    }
    if (res.status === 401 && attempt < 3) {
      if (sessionStorage.getItem(KEY_STORAGE) === used) {  // else another request already got a new key
        sessionStorage.removeItem(KEY_STORAGE);
        await askForKey(used ? "A chave informada não foi aceita. Tente de novo."
          : "Este serviço exige uma chave de acesso (API key).");
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
