"""The HTTP API's contract without a server: response models fit the domain's results, one error shape,
messages from the catalogue in the request's language, filters that name their valid keys."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, Field, ValidationError

from recruta.api.errors import (
    ApiError,
    ErrorBody,
    Problem,
    describe,
    domain_errors,
    error_body,
    localize,
    negotiate,
    request_language,
)
from recruta.api.models import (
    ChatAnswer,
    ChatHistory,
    ChatList,
    ChatSession,
    JDFeedback,
    JDInput,
    JobDescription,
    MatchResult,
    RankResult,
    respond,
)
from recruta.core.errors import InvalidInput, NotFound, Unavailable
from recruta.i18n import catalogue
from recruta.ingest.store import FilterError, metadata_schema, normalize_filter

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("pt", "en", "es", "ru")


def body(problem: Problem, lang: str = "pt") -> dict[str, Any]:
    out = error_body(problem, lang=lang, request_id="rid-1")
    ErrorBody.model_validate(out)
    assert set(out) == {"error", "request_id"} and set(out["error"]) == {"status", "code", "message", "field"}
    return out["error"]


# --------------------------------------------------------------------------- the catalogue
def test_every_message_exists_in_every_language_with_the_same_fields():
    cat = catalogue("api")
    assert set(cat) == set(LANGS)
    fields = re.compile(r"(?<!\{)\{(\w+)\}(?!\})")
    for key, text in cat["pt"].items():
        for lang in LANGS:
            assert key in cat[lang], (lang, key)
            assert set(fields.findall(cat[lang][key])) == set(fields.findall(text)), (lang, key)


def test_every_key_the_code_raises_is_in_the_catalogue():
    keys = set(catalogue("api")["pt"])
    sources = [ROOT / "service.py", *sorted((ROOT / "recruta").rglob("*.py"))]
    used: set[str] = set()
    pattern = re.compile(
        r"""(?:ApiError|FilterError|PydanticCustomError)\(\s*f?["']([\w.{}]+)["']|code=["']([\w.]+)["']"""
    )
    from recruta.files import ERROR_CODES

    dynamic = {  # keys built at run time, with every value they take
        "{key}": ("question", "message"),
        "{ferr.code}": tuple(ERROR_CODES),
        "{name}": tuple(re.findall(r'not_found=\("(\w+)"', (ROOT / "service.py").read_text(encoding="utf-8"))),
    }
    assert len(dynamic["{name}"]) >= 9  # every endpoint that looks an id up names it
    for path in sources:
        for m in pattern.finditer(path.read_text(encoding="utf-8")):
            key = m.group(1) or m.group(2)
            part = next((d for d in dynamic if d in key), None)
            used |= {key.replace(part, v) for v in dynamic[part]} if part else {key}
    assert len(used) > 40
    assert used - keys == set()


# --------------------------------------------------------------------------- language
@pytest.mark.parametrize(
    ("header", "lang"),
    [
        ("pt-BR,pt;q=0.9,en;q=0.8", "pt"),
        ("en-US,en;q=0.9", "en"),
        ("de-DE, es;q=0.5", "es"),
        ("fr, de", None),
        ("", None),
        (None, None),
        ("en;q=0, ru", "ru"),
        ("*", None),
        ("es;q=0.2, en;q=0.7", "en"),
    ],
)
def test_accept_language_picks_the_first_language_we_speak(header, lang):
    assert negotiate(header) == lang


def test_without_a_header_the_text_decides_then_portuguese():
    assert request_language(accept_language=None, payload={"message": "Is this candidate a fit for the role?"}) == "en"
    assert (
        request_language(accept_language=None, payload={"pergunta": "¿Cuál es el nivel de inglés del puesto?"}) == "es"
    )
    assert request_language(accept_language=None, payload={"title": "Analyst", "language": "en"}) == "en"
    assert request_language(accept_language="es", payload={"message": "What is required?"}) == "es"
    assert request_language(accept_language="fr", payload={"cv_text": "Опыт работы: Python, 5 лет"}) == "ru"
    assert request_language(accept_language=None, payload={"session_id": "x"}) == "pt"
    assert request_language(accept_language=None, payload=None) == "pt"


# --------------------------------------------------------------------------- pydantic errors
class Input(BaseModel):
    pergunta: str
    top_k: int | None = Field(default=None, ge=1, le=50)
    scope: str = "all"
    cvs: list[str] | None = Field(default=None, max_length=200)


def _validation(data: Any, *, raw: bool = False) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        Input.model_validate_json(data) if raw else Input.model_validate(data)
    return info.value


@pytest.mark.parametrize(
    ("data", "raw", "code", "field", "pt", "en"),
    [
        ({}, False, "missing", "pergunta", "pergunta: campo obrigatório.", "pergunta: this field is required."),
        ({"pergunta": 42}, False, "type.string", "pergunta", "pergunta: deve ser um texto.", "pergunta: must be text."),
        (
            {"pergunta": "a", "top_k": 0},
            False,
            "range.min",
            "top_k",
            "top_k: deve ser no mínimo 1.",
            "top_k: must be at least 1.",
        ),
        (
            {"pergunta": "a", "top_k": 51},
            False,
            "range.max",
            "top_k",
            "top_k: deve ser no máximo 50.",
            "top_k: must be at most 50.",
        ),
        (
            {"pergunta": "a", "top_k": "muitos"},
            False,
            "type.integer",
            "top_k",
            "top_k: deve ser um número inteiro.",
            "top_k: must be a whole number.",
        ),
        (
            {"pergunta": "a", "cvs": ["x"] * 201},
            False,
            "list.too_long",
            "cvs",
            "cvs: no máximo 200 por requisição.",
            "cvs: at most 200 per request.",
        ),
        (
            {"pergunta": "a", "cvs": ["x", 3]},
            False,
            "type.string",
            "cvs[1]",
            "cvs[1]: deve ser um texto.",
            "cvs[1]: must be text.",
        ),
        (
            b'{"pergunta": "abc',
            True,
            "body.invalid_json",
            None,
            "O corpo da requisição não é um JSON válido em UTF-8.",
            "The request body is not valid UTF-8 JSON.",
        ),
        (
            b'{"pergunta": "\xff\xfe"}',
            True,
            "body.invalid_json",
            None,
            "O corpo da requisição não é um JSON válido em UTF-8.",
            "The request body is not valid UTF-8 JSON.",
        ),
        (
            b'["pergunta"]',
            True,
            "body.not_object",
            None,
            "O corpo da requisição deve ser um objeto JSON.",
            "The request body must be a JSON object.",
        ),
    ],
)
def test_validation_errors_are_one_readable_sentence_with_the_field(data, raw, code, field, pt, en):
    exc = _validation(data, raw=raw)
    problem = describe(exc, input_model="Input", fields=Input.model_fields)
    assert body(problem) == {"status": 400, "code": code, "message": pt, "field": field}
    assert body(problem, "en")["message"] == en
    everything = json.dumps([body(problem, lang) for lang in LANGS], ensure_ascii=False)
    for leak in ("errors.pydantic.dev", "Input", "validation error", "input_value", "Value error"):
        assert leak not in everything


def test_unknown_fields_name_the_accepted_ones_and_jd_rules_are_worded():
    with pytest.raises(ValidationError) as info:
        JDInput.model_validate({"title": "x", "salario": 1})
    problem = describe(info.value, input_model="JDInput", fields=JDInput.model_fields)
    got = body(problem)
    assert got["code"] == "unknown_field" and got["field"] == "salario"
    assert got["message"].startswith("salario: campo desconhecido; os campos aceitos são: benefits, company,")
    with pytest.raises(ValidationError) as info:
        JDInput.model_validate({"title": "   "})
    assert body(describe(info.value)) == {
        "status": 400,
        "code": "jd.title",
        "field": "title",
        "message": "title: obrigatório, um texto de até 150 caracteres.",
    }
    with pytest.raises(ValidationError) as info:
        JDInput.model_validate({"title": "x", "salary_min": 9000, "salary_max": 5000})
    got = body(describe(info.value), "en")
    assert got == {
        "status": 400,
        "code": "jd.salary_order",
        "field": None,
        "message": "salary_min (9,000) must not exceed salary_max (5,000).",
    }
    assert body(describe(info.value))["message"] == "salary_min (9.000) não pode ser maior que salary_max (5.000)."
    with pytest.raises(ValidationError) as info:
        JDInput.model_validate({"title": "x", "remote": "na lua"})
    assert body(describe(info.value))["message"] == "remote: deve ser um de: remote, hybrid, onsite."


def test_a_response_that_does_not_fit_its_model_is_a_500_not_the_clients_fault():
    with pytest.raises(RuntimeError, match="no longer fits") as info:
        respond(ChatAnswer, {"answer": "x"})
    assert isinstance(info.value.__cause__, ValidationError)
    assert body(describe(info.value, request_id="abc")) == {
        "status": 500,
        "code": "internal",
        "field": None,
        "message": "Erro interno inesperado; informe o id da requisição (abc) a quem mantém o serviço.",
    }
    # a pydantic error about another model than the endpoint's input is ours too
    assert describe(_validation({}), input_model="match__Input").status == 500
    assert describe(ZeroDivisionError("secret detail")).status == 500
    assert "secret" not in json.dumps(body(describe(ZeroDivisionError("secret detail"))))


# --------------------------------------------------------------------------- domain errors
def test_file_errors_name_the_field_and_the_file_in_the_requests_language():
    from recruta.files import FileError, parse_file
    from recruta.screening.screener import Screener

    with pytest.raises(InvalidInput) as info:  # the screener wraps the parser's error as "cv_text [empty]: …"
        Screener(store=None, embedder=None).match(cv_text="   ", job_text="Desenvolvedor Java")
    api = localize(info.value)
    assert api is not None and api.field == "cv_text" and api.message_key == "file.empty"
    got = body(describe(info.value))
    assert got["field"] == "cv_text" and got["message"].startswith("cv_text: não há texto para ler")
    with pytest.raises(ApiError) as renamed, domain_errors(rename={"cv_text": "cvs"}):
        raise info.value
    assert renamed.value.field == "cvs"

    with pytest.raises(FileError) as parsed:
        parse_file(b"MZ\x90\x00" + bytes(300), filename="cv.exe")
    try:  # the chat wraps it as "<file name>: …"
        raise InvalidInput(f"cv.exe: {parsed.value}") from parsed.value
    except InvalidInput as wrapped:
        api = localize(wrapped, uploads={"cv": "cv.exe"})
    assert api is not None and api.field == "cv" and api.params["name"] == "cv.exe"
    problem = describe(api)
    assert body(problem) == {
        "status": 400,
        "code": "file.unsupported_type",
        "field": "cv",
        "message": "cv.exe: tipo de arquivo não aceito; envie PDF, DOCX ou TXT.",
    }
    assert body(problem, "es")["message"] == "cv.exe: tipo de archivo no aceptado; envíe PDF, DOCX o TXT."
    too_big = describe(localize(FileError("too_large", "big"), uploads={}))  # type: ignore[arg-type]
    assert too_big.status == 413 and "5.000.000" in body(too_big)["message"]


def test_not_found_unavailable_and_unkeyed_domain_errors():
    with pytest.raises(ApiError) as info, domain_errors(not_found=("session_id", "nope")):
        raise NotFound("sessão 'nope' não encontrada")
    assert body(describe(info.value), "en") == {
        "status": 404,
        "code": "not_found.session_id",
        "field": "session_id",
        "message": "Chat session nope not found.",
    }
    down = describe(Unavailable("chroma down at 10.0.0.3"))
    assert down.status == 503 and down.headers == {"Retry-After": "5"}
    assert "10.0.0.3" not in json.dumps(body(down)) and "indisponível" in body(down)["message"]
    plain = describe(InvalidInput("k must be a whole number from 1 to 50", field="k"))  # no catalogue key
    assert body(plain) == {
        "status": 400,
        "code": "invalid",
        "field": "k",
        "message": "k must be a whole number from 1 to 50",
    }
    assert str(ApiError("job.both", field="vaga_id")) == "job.both (vaga_id)"  # what the log shows


# --------------------------------------------------------------------------- filters
@pytest.mark.parametrize(
    ("where", "code", "field"),
    [
        ({"tipo": "vaga"}, "filter.unknown_key", "filtros.tipo"),
        ({"type": "vagas"}, "filter.unknown_type", "filtros.type"),
        ({"hired": "sim"}, "filter.value_type", "filtros.hired"),
        ({"$bad": 1}, "filter.unknown_operator", "filtros"),
        ({"vaga_id": {"$in": [1, "x"]}}, "filter.same_type", "filtros.vaga_id.$in"),
        ({"chunk": float("nan")}, "number.finite", "filtros.chunk"),
        ({"$and": [{"type": "vaga"}]}, "filter.list", "filtros.$and"),
        ({"$or": [{"type": "vaga"}, {"cliente": "x"}]}, "filter.unknown_key", "filtros.$or[1].cliente"),
        ("type", "filter.not_object", "filtros"),
        ({"type": {"$regex": "x"}}, "filter.field_operator", "filtros.type"),
    ],
)
def test_bad_filters_are_400s_naming_the_problem(where, code, field):
    with pytest.raises(FilterError) as info:
        normalize_filter(where)
    assert isinstance(info.value, InvalidInput)
    got = body(describe(info.value))
    assert got["code"] == code and got["field"] == field and got["status"] == 400


def test_an_unknown_filter_key_lists_the_keys_the_documents_carry():
    with pytest.raises(FilterError) as info:
        normalize_filter({"tipo": "vaga"})
    message = body(describe(info.value))["message"]
    keys = metadata_schema()
    assert {"type", "vaga_id", "candidate_id", "outcome", "hired", "title", "client"} <= set(keys)
    assert "content_hash" not in keys
    assert message == (
        f"filtros.tipo: chave de metadados desconhecida 'tipo'; as chaves válidas são: {', '.join(sorted(keys))}."
    )


def test_ids_sent_as_numbers_are_their_text():
    assert normalize_filter({"vaga_id": 1212}) == {"vaga_id": "1212"}
    assert normalize_filter({"candidate_id": {"$in": [1, 2]}}) == {"candidate_id": {"$in": ["1", "2"]}}
    assert normalize_filter({"type": "prospect", "outcome": "hired"}) == {
        "$and": [{"type": "prospect"}, {"outcome": "hired"}]
    }
    assert normalize_filter({"chunk": 0}) == {"chunk": 0}  # a number key keeps its number


def test_filters_reach_the_index_as_meant(settings, small_data):
    """{"vaga_id": 1212} used to find nothing (ids are stored as text): now it finds the vaga."""
    from ingestion import ingest, open_index
    from recruta.ingest.embeddings import get_embedder

    embedder = get_embedder("hash")
    ingest(data_dir=small_data, settings=settings, embedder=embedder, progress=False)
    store = open_index(settings, embedder)
    vid = next(iter(json.loads((small_data / "vagas.json").read_text())))
    as_int = store.get(where={"$and": [{"type": "vaga"}, {"vaga_id": int(vid)}]})
    assert as_int["ids"] and all(m["vaga_id"] == vid for m in as_int["metadatas"])


# --------------------------------------------------------------------------- response models vs domain results
@pytest.fixture(scope="module")
def domain(small_data, tmp_path_factory):
    """The domain services on a small real index (hash embedder, extractive generator), as the service builds them."""
    from model import RAGAgent, RAGConfig
    from recruta.chat.service import ChatService
    from recruta.core.db import make_sessionmaker
    from recruta.core.settings import Settings
    from recruta.jd.service import JDService
    from recruta.screening.screener import Screener

    home = tmp_path_factory.mktemp("api")
    s = Settings(home=home, embedder="hash", generator="extractive", chunk_size=600)
    from ingestion import ingest
    from recruta.ingest.embeddings import get_embedder

    ingest(data_dir=small_data, settings=s, embedder=get_embedder("hash"), progress=False)
    agent = RAGAgent.from_config(RAGConfig.from_settings(s, generator="extractive"), settings=s)
    db = make_sessionmaker(f"sqlite:///{home}/db.sqlite")
    return {
        "agent": agent,
        "screener": Screener(store=agent.store, embedder=agent.embedder),
        "chat": ChatService(
            sessionmaker=db, generator=agent.generator, embedder=agent.embedder, retrieve=agent.retrieve
        ),
        "jd": JDService(sessionmaker=db, retrieve=agent.retrieve),
    }


def fields_of(model: type[BaseModel]) -> set[str]:
    return set(model.model_fields)


def test_match_and_rank_results_fit_their_models_exactly(domain, small_data):
    vid = next(iter(json.loads((small_data / "vagas.json").read_text())))
    cv = next(iter(json.loads((small_data / "applicants.json").read_text()).values()))["cv_pt"]
    result = domain["screener"].match(cv_text=cv, vaga_id=vid)
    assert set(result) == fields_of(MatchResult)  # no field the model would drop, none it would miss
    typed = respond(MatchResult, result)
    assert typed.job.vaga_id == vid and set(typed.signals) <= {
        "skills",
        "semantic",
        "lexical",
        "experience",
        "languages",
        "education",
        "location",
        "salary",
    }
    ranked = domain["screener"].rank(vaga_id=vid, scope="all", limit=5)
    assert set(ranked) == fields_of(RankResult)
    assert set(ranked["candidates"][0]) == set(respond(RankResult, ranked).candidates[0].model_fields)
    given = domain["screener"].rank(job_text="Desenvolvedor Java", cvs=["java spring", "cozinheiro"])
    assert set(given) | {"hired"} == fields_of(RankResult)
    typed_given = respond(RankResult, given)
    assert [type(c).__name__ for c in typed_given.candidates] == ["RankedCV", "RankedCV"]
    assert json.loads(typed_given.model_dump_json())["candidates"] == given["candidates"]


def test_answers_fit_the_responder_model(domain):
    from recruta.api.models import Fonte

    ans = domain["agent"].answer("analista de sistemas")
    assert ans.sources and all(set(s) == fields_of(Fonte) for s in ans.sources)
    [Fonte.model_validate(s) for s in ans.sources]


def test_chat_results_fit_their_models_exactly(domain):
    chat = domain["chat"]
    session = chat.create_session(documents=[("cv", "cv.txt", b"Maria Souza\nAnalista SAP FI com 7 anos.")])
    assert set(session) == fields_of(ChatSession)
    sid = respond(ChatSession, session).session_id
    answer = chat.send(sid, "Qual a experiência com SAP?")
    assert set(answer) == fields_of(ChatAnswer)
    assert all(
        set(s) == set(ChatAnswer.model_fields["sources"].annotation.__args__[0].model_fields)  # type: ignore
        for s in answer["sources"]
    )
    respond(ChatAnswer, answer)
    history = chat.history(sid)
    assert set(history) == fields_of(ChatHistory) and respond(ChatHistory, history).messages[0].role == "user"
    listed = {"sessions": chat.list_sessions()}
    assert set(listed["sessions"][0]) == set(respond(ChatList, listed).sessions[0].model_fields)


def test_jd_results_fit_their_models_and_speak_english_values(domain):
    jd = domain["jd"]
    given = JDInput.model_validate({"title": "Analista de Dados", "skills": ["SQL"], "remote": "hibrido"})
    assert given.remote == "hybrid"  # the old Portuguese value is accepted, the API's value is English
    out = jd.generate(given.to_domain())
    assert set(out) == fields_of(JobDescription)
    assert out["request"]["remote"] == "hibrido"  # the domain keeps its own value …
    typed = respond(JobDescription, out)
    assert typed.request.remote == "hybrid"  # … and the API shows the English one
    assert set(out["sections"]) == set(typed.sections.model_fields)
    for value, expected in (
        ("remoto", "remote"),
        ("Remote", "remote"),
        ("presencial", "onsite"),
        ("on-site", "onsite"),
        ("híbrido", "hybrid"),
        (None, None),
        ("", None),
    ):
        assert JDInput.model_validate({"title": "x", "remote": value}).remote == expected
    fb = jd.feedback(out["id"], rating=4, comment="bom")
    assert set(fb) == fields_of(JDFeedback) and respond(JDFeedback, fb).rating == 4


# --------------------------------------------------------------------------- the middleware
def _run(app: Any, path: str = "/x", headers: list[tuple[bytes, bytes]] | None = None) -> tuple[int, dict, bytes]:
    from recruta.core.http import RecrutaMiddleware

    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    async def receive() -> dict:
        return {"type": "http.request", "body": b""}

    mw = RecrutaMiddleware(app, api_key="k3y", max_body_bytes=1000)
    scope = {"type": "http", "path": path, "method": "GET", "headers": headers or []}
    asyncio.run(mw(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    return (
        start["status"],
        dict(start["headers"]),
        b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body"),
    )


def test_the_middleware_answers_in_the_one_shape():
    async def plain_404(scope, receive, send):
        await send({"type": "http.response.start", "status": 404, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"Not Found"})

    status, headers, raw = _run(plain_404)
    assert status == 401 and headers[b"www-authenticate"] == b"Bearer"
    error = json.loads(raw)["error"]
    assert error["code"] == "unauthorized" and "Chave de API" in error["message"]
    auth = [(b"authorization", b"Bearer k3y")]
    status, headers, raw = _run(plain_404, "/nope", auth + [(b"accept-language", b"en")])
    assert status == 404 and headers[b"content-type"] == b"application/json"
    assert json.loads(raw)["error"] == {
        "status": 404,
        "code": "not_found.path",
        "field": None,
        "message": "No such address: /nope.",
    }
    assert int(headers[b"content-length"]) == len(raw) and b"Not Found" not in raw
    assert json.loads(raw)["request_id"] == headers[b"x-request-id"].decode()
    status, _, raw = _run(plain_404, "/x", auth + [(b"content-length", b"5000")])
    assert status == 413 and json.loads(raw)["error"]["message"] == "A requisição tem 5.000 bytes; o limite é 1.000."
    status, _, raw = _run(plain_404, "/readyz", auth)  # health probes keep BentoML's answers
    assert status == 404 and raw == b"Not Found"
