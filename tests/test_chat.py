"""The recruiter chat (recruta/chat/): uploads, summary, grounding, memory, persistence, streaming."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from recruta import facts as sk
from recruta.chat.service import DOC_KINDS, MAX_MESSAGE_CHARS, ChatError, ChatService, SessionNotFound
from recruta.chat.summary import top_skills
from recruta.core.db import ChatDocument, ChatMessage, make_sessionmaker
from recruta.ingest.embeddings import get_embedder
from recruta.ingest.store import Hit
from recruta.rag.generators import EchoGenerator, ExtractiveGenerator, GenerationInput
from recruta.screening.matching import profile

RESUMES = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "resumes"

CV = """Desenvolvedor Java Sênior

Maria Souza
São Paulo - SP

Resumo profissional
Profissional com 8 anos de experiência em desenvolvimento de sistemas com Java e Spring Boot.
Conhecimentos em Java, Spring Boot, PostgreSQL, Docker, Kubernetes e AWS.

Experiências
Banco Alfa – 01/2016 a atual
cargo: desenvolvedor java sênior
- desenvolvimento de microsserviços com Spring Boot e Kafka
- migração de sistemas legados para a AWS

Formação
Ciência da Computação, Universidade de São Paulo – conclusão em 2015

Idiomas
Inglês avançado
Espanhol intermediário
"""

JD = [
    "Vaga: Desenvolvedor Java Sênior",
    "Requisitos:",
    "- Java e Spring Boot",
    "- Kafka",
    "- Docker e Kubernetes",
    "- Inglês avançado",
    "- Ensino superior completo",
]

LETTER = [
    "Carta de recomendação",
    "Recomendo Maria Souza, que trabalhou conosco por cinco anos liderando a equipe de pagamentos.",
    "Demonstrou comunicação clara, pontualidade e responsabilidade com prazos.",
]

NURSE_CV = """Enfermeira

Ana Lima
Recife - PE

Resumo
Enfermeira com 3 anos de experiência em unidade de terapia intensiva, cuidados a pacientes e administração de
medicamentos.

Formação
Enfermagem, Universidade Federal de Pernambuco – conclusão em 2019
"""


def make_docx(lines: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def make_pdf(lines: list[str]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    y = 800
    for line in lines:
        c.drawString(40, y, line)
        y -= 16
    c.save()
    return buf.getvalue()


class Recorder:
    """Records what the generator received; answers like the wrapped generator."""

    def __init__(self, inner: Any = None) -> None:
        self.inner = inner or EchoGenerator()
        self.name = f"recorder-{self.inner.name}"
        self.calls: list[GenerationInput] = []

    def generate(self, inp: GenerationInput, *, max_new_tokens: int = 0) -> str:
        self.calls.append(inp)
        return self.inner.generate(inp, max_new_tokens=max_new_tokens)

    def stream(self, inp: GenerationInput, *, max_new_tokens: int = 0) -> Iterator[str]:
        self.calls.append(inp)
        yield from self.inner.stream(inp, max_new_tokens=max_new_tokens)


class Scripted:
    """Answers with a fixed long text, so history sizes are known."""

    name = "scripted"

    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.calls: list[GenerationInput] = []

    def generate(self, inp: GenerationInput, *, max_new_tokens: int = 0) -> str:
        self.calls.append(inp)
        return self.answer

    def stream(self, inp: GenerationInput, *, max_new_tokens: int = 0) -> Iterator[str]:
        self.calls.append(inp)
        yield from re.split(r"(?<= )", self.answer)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/db.sqlite"


def service(db_url: str, generator: Any = None, **kw: Any) -> ChatService:
    return ChatService(
        sessionmaker=make_sessionmaker(db_url), generator=generator or Recorder(), embedder=get_embedder("hash"), **kw
    )


def full_session(svc: ChatService, *, cv: str = CV) -> dict[str, Any]:
    return svc.create_session(
        documents=[
            ("cv", "maria.txt", cv.encode()),
            ("job_description", "vaga.docx", make_docx(JD)),
            ("recommendation", "carta.pdf", make_pdf(LETTER)),
        ]
    )


def final_user(inp: GenerationInput) -> str:
    assert inp.messages[-1]["role"] == "user"
    return inp.messages[-1]["content"]


# ----------------------------------------------------------------------------------------------- upload + summary
def test_create_session_with_txt_docx_pdf(db_url: str) -> None:
    svc = service(db_url)
    s = full_session(svc)
    assert s["session_id"] and s["title"] == "Maria Souza — Desenvolvedor Java Sênior"  # name, then role (#18)
    docs = {d["kind"]: d for d in s["documents"]}
    assert list(docs) == ["cv", "recommendation", "job_description"]  # DOC_KINDS order
    assert docs["cv"]["filename"] == "maria.txt" and docs["cv"]["chars"] > 300
    assert docs["job_description"]["filename"] == "vaga.docx" and docs["recommendation"]["chars"] > 50
    summary = s["summary"]
    assert "Resumo automático do CV" in summary  # Portuguese CV → Portuguese summary
    assert "Cargo/objetivo: Desenvolvedor Java Sênior" in summary
    assert "8 anos" in summary and "superior completo" in summary
    assert "inglês (avançado)" in summary and "espanhol (intermediário)" in summary
    for skill in ("Java", "Spring Boot", "Kubernetes", "Docker"):
        assert skill in summary
    assert re.search(r"Aderência à vaga: \d{1,3}/100 — ", summary)
    # every skill the summary names is one the CV has
    assert set(sk.extract_skills(summary)) <= set(sk.extract_skills(CV))


def test_summary_of_real_resume(db_url: str) -> None:
    pdf = RESUMES / "single-column.pdf"
    if not pdf.exists():
        pytest.skip("../shared/data/resumes not present")
    svc = service(db_url)
    s = svc.create_session(documents=[("cv", pdf.name, pdf.read_bytes())])
    stored = svc.history(s["session_id"])
    assert stored["documents"] == [{"kind": "cv", "filename": pdf.name, "chars": s["documents"][0]["chars"]}]
    summary = s["summary"]
    assert summary.startswith("Automatic CV summary")  # English CV → English summary
    assert "SENIOR SOFTWARE ENGINEER" in summary and "5 years" in summary
    skills_line = next(line for line in summary.splitlines() if line.startswith("- Top skills: "))
    listed = skills_line.removeprefix("- Top skills: ").split(", ")
    assert 5 <= len(listed) <= 10 and {"Python", "Go", "Kubernetes"} <= set(listed)
    with svc.sessionmaker() as db:
        text = db.scalar(select(ChatDocument.text).where(ChatDocument.session_id == s["session_id"]))
    folded = sk.fold(text)
    assert all(sk.fold(item) in folded for item in listed)  # quoted from the CV, nothing invented
    assert "github" not in skills_line  # a URL in the contact line is not a skill
    assert set(sk.extract_skills(summary)) <= set(sk.extract_skills(text))
    assert "Fit for the job" not in summary  # no job description loaded


def test_top_skills_hard_first_and_capped() -> None:
    p = profile(CV + "\nComunicação, liderança e trabalho em equipe.", is_job=False)
    skills = top_skills(p, limit=10)
    assert len(skills) <= 10 and skills[0] in ("Java", "Spring Boot")
    cats = [p.skills[name].category for q in skills for name, ev in p.skills.items() if ev.quote == q]
    first_soft = next((i for i, c in enumerate(cats) if c in ("soft", "domain")), len(cats))
    assert all(c in ("hard", "tool") for c in cats[:first_soft])


# ----------------------------------------------------------------------------------------------- bad input
def test_upload_validation(db_url: str) -> None:
    svc = service(db_url, max_upload_bytes=2_000)
    with pytest.raises(ChatError, match="CV"):
        svc.create_session(documents=[("job_description", "vaga.txt", b"Vaga: Java")])
    with pytest.raises(ChatError, match="CV"):
        svc.create_session(documents=[])
    with pytest.raises(ChatError, match="duplicado"):
        svc.create_session(documents=[("cv", "a.txt", CV.encode()), ("cv", "b.txt", CV.encode())])
    with pytest.raises(ChatError, match="desconhecido"):
        svc.create_session(documents=[("cv", "a.txt", CV.encode()), ("photo", "p.txt", b"x")])
    with pytest.raises(ChatError) as big:
        svc.create_session(documents=[("cv", "enorme.txt", b"Java " * 1000)])
    assert big.value.code == "too_large" and "enorme.txt" in str(big.value) and "too large" in str(big.value)
    with pytest.raises(ChatError) as bad:
        svc.create_session(documents=[("cv", "quebrado.pdf", b"%PDF-1.4\n1 0 obj garbage")])
    assert bad.value.code == "corrupt" and "quebrado.pdf" in str(bad.value)
    with pytest.raises(ChatError) as empty:
        svc.create_session(documents=[("cv", "vazio.txt", b"   \n")])
    assert empty.value.code == "empty"
    assert svc.list_sessions() == []  # nothing half-created


def test_message_validation_and_unknown_session(db_url: str) -> None:
    gen = Recorder()
    svc = service(db_url, gen)
    sid = svc.create_session(documents=[("cv", "cv.txt", CV.encode())])["session_id"]
    for bad in ("", "   \n ", "x" * (MAX_MESSAGE_CHARS + 1)):
        with pytest.raises(ChatError):
            svc.send(sid, bad)
        with pytest.raises(ChatError):
            svc.stream(sid, bad)  # raised at call time, not on first next()
    for call in (
        lambda: svc.send("nope", "Java?"),
        lambda: svc.stream("nope", "Java?"),
        lambda: svc.history("nope"),
        lambda: svc.delete("nope"),
        lambda: svc.add_document("nope", kind="interests", filename="i.txt", data=b"Xadrez"),
    ):
        with pytest.raises(SessionNotFound):
            call()
    assert gen.calls == [] and svc.history(sid)["messages"] == []


# ----------------------------------------------------------------------------------------------- grounding
def test_prompt_has_loaded_documents_only_and_no_placeholders(db_url: str) -> None:
    gen = Recorder()
    svc = service(db_url, gen)
    sid = svc.create_session(documents=[("cv", "cv.txt", CV.encode())])["session_id"]
    out = svc.send(sid, "Qual a experiência com Kafka e microsserviços?")
    assert out["mode"] == "generated" and out["turn"] == 1 and out["session_id"] == sid
    prompt = final_user(gen.calls[0])
    assert "[CV]" in prompt and "Kafka" in prompt
    for absent in ("[Carta de recomendação]", "[Interesses]", "[Vaga]", "[Histórico]"):
        assert absent not in prompt
    everything = "\n".join(m["content"] for m in gen.calls[0].messages).casefold()
    for placeholder in ("não fornecido", "nao fornecido", "n/a", "não informado", "nenhum documento", "(vazio)"):
        assert placeholder not in everything
    system = gen.calls[0].messages[0]
    assert system["role"] == "system" and "rigoroso" in system["content"] and "não trazem" in system["content"]
    # the hits the generator got are the CV's passages, best first
    hits = gen.calls[0].hits
    assert hits and all(h.metadata == {"type": "cv"} and h.id.startswith("cv:") for h in hits)
    assert "Kafka" in hits[0].text
    assert out["sources"][0]["document"] == "cv" and "Kafka" in out["sources"][0]["passage"]

    # with all documents, every one is labelled in the prompt
    sid2 = full_session(svc)["session_id"]
    svc.send(sid2, "Descreva o trabalho dela com Kafka, pagamentos e Spring Boot.")
    prompt = final_user(gen.calls[-1])
    assert "[CV]" in prompt and "[Vaga]" in prompt and "[Carta de recomendação]" in prompt
    assert "[Interesses]" not in prompt


def test_extractive_generator_answers_from_the_documents(db_url: str) -> None:
    svc = service(db_url, ExtractiveGenerator())
    sid = full_session(svc)["session_id"]
    out = svc.send(sid, "Onde ele trabalhou com microsserviços e Kafka?")
    assert "Banco Alfa" in out["answer"] or "microsserviços" in out["answer"]


def test_english_question_gets_english_prompt(db_url: str) -> None:
    gen = Recorder()
    svc = service(db_url, gen)
    sid = full_session(svc)["session_id"]
    out = svc.send(sid, "What is their experience with Kafka?")
    assert out["language"] == "en"
    assert "Answer in English" in gen.calls[0].messages[0]["content"]
    assert "[Job description]" in final_user(gen.calls[0]) and "Question: What is their" in final_user(gen.calls[0])


def test_unanswerable_question_is_not_sent_to_the_generator(db_url: str) -> None:
    gen = Recorder()
    svc = service(db_url, gen)
    sid = full_session(svc)["session_id"]
    out = svc.send(sid, "Qual o nome do cachorro do candidato?")
    assert out["answer"] == "Os documentos carregados não trazem essa informação."
    assert out["found"] is False and out["mode"] == "extracted" and out["sources"] == [] and gen.calls == []
    en = svc.send(sid, "What is the name of the candidate's dog?")
    assert en["answer"] == "The uploaded documents do not contain that information." and en["found"] is False
    # a skill no candidate document mentions
    sap = svc.send(sid, "Summarise their SAP experience")
    assert sap["found"] is False and "SAP" in sap["answer"] and gen.calls == []
    # a CV section that is absent (the CV states no salary): "não consta", not a passage
    salary = svc.send(sid, "Qual a pretensão salarial dela?")
    assert salary["intent"] == "salary" and salary["found"] is False and "Não consta" in salary["answer"]
    assert salary["sources"] == []
    # ... but present ones are answered from the facts, quoting the line, even without a shared word
    study = svc.send(sid, "Onde ela estudou?")
    assert study["intent"] == "education" and study["found"] and study["mode"] == "extracted"
    assert "Universidade de São Paulo" in study["answer"] and "superior completo" in study["answer"]
    assert any("Universidade de São Paulo" in src["passage"] for src in study["sources"])
    interview = svc.send(sid, "O que devo perguntar na entrevista?")
    assert interview["intent"] == "interview" and interview["found"] and interview["mode"] == "computed"
    # a skill named in other words ("nuvem" = cloud, which the CV's AWS implies) is related: AWS is listed
    cloud = svc.send(sid, "Quais tecnologias de nuvem ela usa?")
    assert cloud["intent"] == "technologies" and cloud["found"] and "AWS" in cloud["answer"]
    assert gen.calls == []  # none of these needed the generator
    assert len(svc.history(sid)["messages"]) == 14  # deterministic answers are stored too


# ----------------------------------------------------------------------------------------------- fit
def test_fit_question_recommends_against_unfit_cv(db_url: str) -> None:
    gen = Recorder()
    svc = service(db_url, gen)
    sid = full_session(svc, cv=NURSE_CV)["session_id"]
    out = svc.send(sid, "Ela é adequada para a vaga?")
    m = re.search(r"Aderência à vaga: (\d+)/100", out["answer"])
    assert out["intent"] == "fit" and out["mode"] == "computed" and m and int(m.group(1)) < 40
    assert "não recomendo" in out["answer"] and "Lacunas" in out["answer"] and "Kafka" in out["answer"]
    assert gen.calls == []
    # same score as the summary's
    assert f"{m.group(1)}/100" in svc.history(sid)["summary"]
    en = svc.send(sid, "Is this candidate a fit for the role?")
    assert "Fit for the job:" in en["answer"] and "do not recommend" in en["answer"]


def test_fit_question_for_fitting_cv_quotes_evidence(db_url: str) -> None:
    svc = service(db_url)
    sid = full_session(svc)["session_id"]
    out = svc.send(sid, "Is this candidate a fit for the role?")
    score = int(re.search(r"Fit for the job: (\d+)/100", out["answer"]).group(1))
    assert score >= 55 and "do not recommend" not in out["answer"] and "Strengths:" in out["answer"]
    assert 'in the CV: "' in out["answer"] and "Kafka" in out["answer"]
    # "recomenda perguntar" is an interview question, not a fit question
    asked = svc.send(sid, "O que você recomenda perguntar na entrevista?")
    assert asked["intent"] == "interview" and "Aderência à vaga" not in asked["answer"]


def test_fit_question_without_job_description(db_url: str) -> None:
    gen = Recorder()
    svc = service(db_url, gen)
    sid = svc.create_session(documents=[("cv", "cv.txt", CV.encode())])["session_id"]
    out = svc.send(sid, "Ela é adequada para a vaga?")
    # a general assessment of the competences from the extracted facts, not just "upload the job" (#16)
    assert out["intent"] == "fit" and out["mode"] == "extracted" and out["found"]
    assert "avaliação geral" in out["answer"] and "descrição da vaga" in out["answer"]
    assert "Java" in out["answer"] and "8 anos" in out["answer"] and "“" in out["answer"]  # quotes its lines
    assert "Aderência à vaga" not in out["answer"] and gen.calls == []
    # adding the job description updates the summary with the score and makes the fit answerable
    info = svc.add_document(sid, kind="job_description", filename="vaga.docx", data=make_docx(JD))
    assert [d["kind"] for d in info["documents"]] == ["cv", "job_description"]
    assert "Aderência à vaga:" in info["summary"]
    fit = svc.send(sid, "Ela é adequada para a vaga?")
    assert fit["mode"] == "computed" and "Aderência à vaga:" in fit["answer"]
    # replacing a document keeps one per kind
    info = svc.add_document(sid, kind="job_description", filename="v2.txt", data=b"Vaga: Enfermeira\nRequisitos: UTI")
    assert [(d["kind"], d["filename"]) for d in info["documents"]] == [("cv", "cv.txt"), ("job_description", "v2.txt")]


# ----------------------------------------------------------------------------------------------- memory
def test_second_prompt_contains_the_first_turn(db_url: str) -> None:
    gen = Recorder()
    svc = service(db_url, gen)
    sid = full_session(svc)["session_id"]
    first = svc.send(sid, "Qual a experiência com Kafka?")
    second = svc.send(sid, "E com Kubernetes?")
    assert (first["turn"], second["turn"]) == (1, 2)
    msgs = gen.calls[1].messages
    assert [m["role"] for m in msgs] == ["system", "user", "assistant", "user"]
    assert msgs[1]["content"] == "Qual a experiência com Kafka?" and msgs[2]["content"] == first["answer"]
    assert "E com Kubernetes?" in msgs[3]["content"]
    stored = svc.history(sid)["messages"]
    assert [(m["role"], m["content"]) for m in stored] == [
        ("user", "Qual a experiência com Kafka?"),
        ("assistant", first["answer"]),
        ("user", "E com Kubernetes?"),
        ("assistant", second["answer"]),
    ]
    assert all(m["created_at"] for m in stored)


def test_follow_ups_and_letter_questions_reach_the_generator(db_url: str) -> None:
    gen = Recorder()
    svc = service(db_url, gen)
    sid = full_session(svc)["session_id"]
    svc.send(sid, "Qual a experiência com Kafka?")
    follow = svc.send(sid, "Pode detalhar melhor isso?")  # no word of its own in the documents
    assert follow["mode"] == "generated" and any("Kafka" in h.text for h in gen.calls[-1].hits[:2])
    letter = svc.send(sid, "O que diz a carta de recomendação?")  # "recomendação" is not a fit question
    assert letter["mode"] == "generated"
    assert "[Carta de recomendação]" in final_user(gen.calls[-1])


def test_history_truncation_keeps_newest_turns_within_budget(db_url: str) -> None:
    answer = "resposta longa " * 20  # 300 chars
    gen = Scripted(answer)
    budget = 2000
    svc = service(db_url, gen, max_context_chars=budget)
    sid = full_session(svc)["session_id"]
    questions = [f"Pergunta {n}: fale da experiência com Java e Kafka" for n in range(1, 9)]
    for q in questions:
        svc.send(sid, q)
    last = gen.calls[-1]
    history = last.messages[1:-1]
    assert [m["role"] for m in history] == ["user", "assistant"] * (len(history) // 2)
    kept = [m["content"] for m in history if m["role"] == "user"]
    assert kept and kept[-1] == questions[-2]  # the newest previous turn is there...
    assert questions[0] not in kept  # ...the oldest is dropped
    assert kept == questions[len(questions) - 1 - len(kept) : -1]  # contiguous, newest first kept
    passages = sum(len(f"[{h.metadata['type']}] {h.text}") for h in last.hits)
    assert sum(len(m["content"]) for m in history) + passages <= budget + 100  # labels differ slightly in length
    # a larger budget keeps more
    gen2 = Scripted(answer)
    svc2 = service(db_url, gen2, max_context_chars=20_000)
    svc2.send(sid, "Pergunta final sobre Java e Kafka")
    assert len(gen2.calls[-1].messages) > len(last.messages)


# ----------------------------------------------------------------------------------------------- history hires
def test_similar_hires_from_the_index(db_url: str) -> None:
    calls: list[tuple[str, dict[str, Any]]] = []

    def retrieve(question: str, *, k: int, filters: dict[str, Any]) -> list[Hit]:
        calls.append((question, {"k": k, "filters": filters}))
        return [
            Hit(
                id="p-1",
                text="Candidato contratado para a vaga 1003 | Java, Spring Boot, Kafka",
                metadata={"type": "prospect", "outcome": "hired"},
                score=0.8,
            )
        ]

    gen = Recorder()
    svc = service(db_url, gen, retrieve=retrieve)
    sid = full_session(svc)["session_id"]
    svc.send(sid, "Qual a experiência com Kafka?")
    assert calls == []  # not asked for
    svc.send(sid, "Há candidatos parecidos contratados antes?")
    question, kw = calls[-1]
    assert kw == {"k": 3, "filters": {"$and": [{"type": "prospect"}, {"outcome": "hired"}]}}
    assert "Desenvolvedor Java Sênior" in question and "Java" in question
    prompt = final_user(gen.calls[-1])
    assert "[Histórico] Candidato contratado para a vaga 1003" in prompt
    assert gen.calls[-1].hits[0].id == "history:p-1"
    out = svc.send(sid, "Qual a experiência com Kafka?", include_history_hires=True)
    assert len(calls) == 2 and any(s["document"] == "history" for s in out["sources"])


# ----------------------------------------------------------------------------------------------- streaming
def test_stream_pieces_equal_the_stored_answer(db_url: str) -> None:
    gen = Recorder()  # EchoGenerator streams word by word
    svc = service(db_url, gen)
    sid = full_session(svc)["session_id"]
    pieces = list(svc.stream(sid, "Qual a experiência com Kafka?"))
    assert len(pieces) > 1
    stored = svc.history(sid)["messages"]
    assert [m["role"] for m in stored] == ["user", "assistant"]
    assert stored[1]["content"] == "".join(pieces)
    # a deterministic answer streams in a few pieces too
    pieces = list(svc.stream(sid, "Ela é adequada para a vaga?"))
    assert len(pieces) > 1 and svc.history(sid)["messages"][-1]["content"] == "".join(pieces)
    assert "".join(pieces).startswith("Aderência à vaga:")
    # the extractive generator yields once
    svc_x = service(db_url, ExtractiveGenerator())
    pieces = list(svc_x.stream(sid, "Qual a experiência com Kafka?"))
    assert len(pieces) == 1 and svc_x.history(sid)["messages"][-1]["content"] == pieces[0]


def test_stream_stopped_early_stores_what_was_sent(db_url: str) -> None:
    gen = Scripted("uma resposta com várias palavras para transmitir aos poucos")
    svc = service(db_url, gen)
    sid = full_session(svc)["session_id"]
    it = svc.stream(sid, "Qual a experiência com Kafka?")
    got = [next(it), next(it)]
    it.close()  # the client went away
    stored = svc.history(sid)["messages"]
    assert [(m["role"], m["content"]) for m in stored] == [
        ("user", "Qual a experiência com Kafka?"),
        ("assistant", "".join(got)),
    ]
    # the next turn still sees it
    svc.send(sid, "E Kubernetes?")
    assert gen.calls[-1].messages[2]["content"] == "".join(got)


# ----------------------------------------------------------------------------------------------- persistence
def test_sessions_persist_across_services_and_delete_cascades(db_url: str) -> None:
    svc = service(db_url)
    a = full_session(svc)["session_id"]
    b = svc.create_session(documents=[("cv", "ana.txt", NURSE_CV.encode())], title="Ana — UTI")["session_id"]
    svc.send(a, "Qual a experiência com Kafka?")

    fresh = service(db_url)  # e.g. after a restart
    sessions = fresh.list_sessions()
    assert [s["session_id"] for s in sessions] == [a, b]  # most recently active first
    assert sessions[0]["n_messages"] == 2 and sessions[1]["n_messages"] == 0
    assert sessions[0]["documents"] == ["cv", "recommendation", "job_description"]
    assert sessions[1]["title"] == "Ana — UTI" and sessions[1]["documents"] == ["cv"]
    assert sessions[0]["updated_at"] >= sessions[0]["created_at"]
    h = fresh.history(a)
    assert [m["role"] for m in h["messages"]] == ["user", "assistant"] and h["summary"].startswith("Resumo")
    assert {d["kind"] for d in h["documents"]} <= set(DOC_KINDS)
    fresh.send(a, "E com Docker?")
    assert [m["content"] for m in svc.history(a)["messages"]][2] == "E com Docker?"

    fresh.delete(a)
    assert [s["session_id"] for s in svc.list_sessions()] == [b]
    with svc.sessionmaker() as db:
        assert db.scalar(select(func.count(ChatMessage.id)).where(ChatMessage.session_id == a)) == 0
        assert db.scalar(select(func.count(ChatDocument.id)).where(ChatDocument.session_id == a)) == 0
    with pytest.raises(SessionNotFound):
        svc.history(a)


# ----------------------------------------------------------------------------------------------- limits and caches
def test_default_upload_limit_comes_from_settings(db_url: str) -> None:
    from recruta.core.settings import get_settings

    svc = ChatService(sessionmaker=make_sessionmaker(db_url), generator=Recorder(), embedder=None)
    assert svc.max_upload_bytes == get_settings().max_upload_bytes


def test_passage_vectors_are_cached_bounded_and_embedded_in_batches() -> None:
    from recruta.chat.profiles import Analyst

    class Counting:
        def __init__(self) -> None:
            self.inner = get_embedder("hash")
            self.name, self.dim = self.inner.name, self.inner.dim
            self.batches: list[list[str]] = []

        def embed(self, texts: Any, **kw: Any) -> Any:
            self.batches.append(list(texts))
            return self.inner.embed(texts, **kw)

    emb = Counting()
    analyst = Analyst(embedder=emb, max_vectors=3)
    first = analyst.vectors(["java", "kafka", "docker", "java"])
    assert emb.batches == [["java", "kafka", "docker"]]  # one call, each new text once
    assert first.shape == (4, emb.dim) and (first[0] == first[3]).all()
    again = analyst.vectors(["java", "aws"])  # java from the cache; aws evicts the least recently used (kafka)
    assert emb.batches[-1] == ["aws"] and (again[0] == first[0]).all()
    analyst.vectors(["docker", "java", "aws"])
    assert len(emb.batches) == 2  # all three still cached
    analyst.vectors(["kafka"])
    assert emb.batches[-1] == ["kafka"]  # was evicted


# ----------------------------------------------------------------------------------------------- answers from facts
def test_languages_question_lists_the_extracted_technologies_with_the_cv_line(db_url: str) -> None:
    gen = Recorder()
    svc = service(db_url, gen)
    sid = svc.create_session(documents=[("cv", "cv.txt", CV.encode())])["session_id"]
    out = svc.send(sid, "Quais linguagens de programação o candidato usa?")
    assert out["intent"] == "technologies" and out["mode"] == "extracted" and out["found"] and gen.calls == []
    answer = out["answer"]
    assert re.search(r"\*\*Linguagens de programação:\*\* Java\b", answer)
    assert re.search(r"\*\*Frameworks e bibliotecas:\*\* Spring Boot\b", answer)
    for tool in ("PostgreSQL", "Docker", "Kubernetes", "AWS", "Kafka"):
        assert tool in answer
    assert "Conhecimentos em Java, Spring Boot" in answer  # the CV line it read them from
    assert "Inglês" not in answer and "espanhol" not in answer.casefold()  # spoken languages are another question
    assert all(src["document"] == "cv" and src["passage"] in CV for src in out["sources"])
    # not a 700-character slice of the CV (#13.5)
    assert len(answer) < 1200 and "Formação" not in answer


def test_leadership_is_yes_with_evidence_or_the_documents_dont_say(db_url: str) -> None:
    gen = Recorder()
    svc = service(db_url, gen)
    sid = full_session(svc)["session_id"]  # the letter says "liderando a equipe de pagamentos"
    out = svc.send(sid, "Ele tem experiência com liderança?")
    assert out["intent"] == "skill_check" and out["found"] and out["answer"].startswith("**Sim.**")
    assert "liderando a equipe de pagamentos" in out["answer"] and out["sources"][0]["document"] == "recommendation"
    nurse = svc.create_session(documents=[("cv", "ana.txt", NURSE_CV.encode())])["session_id"]
    no = svc.send(nurse, "Ela já liderou uma equipe?")
    assert no["found"] is False and no["answer"].startswith("**Os documentos não dizem.**")
    assert "liderança" in no["answer"] and no["sources"] == []
    # a CV that says it plainly: "no" with the line
    negative = svc.create_session(
        documents=[("cv", "x.txt", (NURSE_CV + "\nSem experiência em liderança.\n").encode())]
    )
    said = svc.send(negative["session_id"], "Does she have leadership experience?")
    assert said["answer"].startswith("**No.**") and "Sem experiência em liderança" in said["answer"]
    # a named tool: yes with the line, or the documents don't mention it
    assert svc.send(sid, "Ela sabe Kubernetes?")["answer"].startswith("**Sim.**")
    python = svc.send(sid, "Ela sabe Python?")
    assert python["found"] is False and "Python" in python["answer"]
    assert gen.calls == []


def test_interview_questions_come_from_the_gaps_against_the_job(db_url: str) -> None:
    svc = service(db_url)
    sid = full_session(svc, cv=NURSE_CV)["session_id"]
    out = svc.send(sid, "O que perguntar na entrevista?")
    assert out["intent"] == "interview" and out["mode"] == "computed"
    numbered = re.findall(r"^\d+\. \*\*(.+?)\*\*", out["answer"], re.M)
    assert len(numbered) == 5  # the default count
    assert {"Java", "Kafka"} & set(numbered)  # gaps of the job, in the job's wording
    assert "o CV não mostra" in out["answer"]
    three = svc.send(sid, "Sugira três perguntas técnicas para a entrevista dela")
    assert len(re.findall(r"^\d+\. ", three["answer"], re.M)) == 3
    assert "Idiomas" not in three["answer"]  # technical only
    # without a job: questions that check the CV's own claims, and the answer says what a job would add
    cv_only = svc.create_session(documents=[("cv", "cv.txt", CV.encode())])["session_id"]
    plain = svc.send(cv_only, "What should I ask her in the interview?")
    assert plain["mode"] == "extracted" and "Add the job" in plain["answer"]
    assert len(re.findall(r"^\d+\. ", plain["answer"], re.M)) >= 3 and "Java" in plain["answer"]


def test_facts_the_documents_do_not_hold_are_not_answered_with_other_facts(db_url: str) -> None:
    gen = Recorder()
    svc = service(db_url, gen)
    sid = full_session(svc)["session_id"]
    for question in (
        "Quantos anos ela tem?",
        "What is her notice period?",
        "¿Tiene permiso de trabajo?",
        "Qual a pretensão salarial dela?",
    ):
        out = svc.send(sid, question)
        assert out["found"] is False and out["sources"] == [], (question, out["answer"])
        assert re.search(r"Não consta|Not in the|No consta", out["answer"]), out["answer"]
    city = svc.send(sid, "Em que cidade ela mora?")  # the CV says São Paulo - SP
    assert city["found"] and "São Paulo" in city["answer"] and city["mode"] == "extracted"
    years = svc.send(sid, "Quantos anos de experiência ela tem?")
    assert years["intent"] == "experience" and "8 anos" in years["answer"]
    assert gen.calls == []


def test_modes_are_labelled_truthfully(db_url: str) -> None:
    svc = service(db_url, Recorder())  # a generator that writes: "generated"
    sid = full_session(svc)["session_id"]
    assert svc.send(sid, "Conte como foi o trabalho dela no Banco Alfa.")["mode"] == "generated"
    assert svc.send(sid, "Ela é adequada para a vaga?")["mode"] == "computed"
    assert svc.send(sid, "Quais frameworks ela conhece?")["mode"] == "extracted"
    pasted = service(db_url, ExtractiveGenerator())  # the baseline pastes passages: "extracted", never "generated"
    out = pasted.send(sid, "Conte como foi o trabalho dela no Banco Alfa.")
    assert out["intent"] == "general" and out["mode"] == "extracted"
    why = svc.explain(sid, "A Maria tem o perfil certo para essa vaga?")
    assert why["intent"] == "fit" and why["via"] == "rule" and why["mode"] == "computed"
    assert len(svc.history(sid)["messages"]) == 8  # explain() stores nothing


def test_an_elliptical_follow_up_keeps_the_previous_intent(db_url: str) -> None:
    svc = service(db_url)
    sid = full_session(svc)["session_id"]
    assert svc.send(sid, "Ela sabe Docker?")["intent"] == "skill_check"
    follow = svc.send(sid, "E Terraform?")
    assert follow["intent"] == "skill_check" and follow["found"] is False and "Terraform" in follow["answer"]


# ----------------------------------------------------------------------------------------------- documents in a conversation
def test_adding_and_replacing_documents_is_noted_and_used_by_the_next_answers(db_url: str) -> None:
    gen = Recorder()
    svc = service(db_url, gen)
    created = svc.create_session(documents=[("cv", "cv.txt", CV.encode())])
    sid = created["session_id"]
    assert created["title"] == "Maria Souza — Desenvolvedor Java Sênior"  # the name, not the CV's second line
    assert svc.send(sid, "Ela tem experiência com liderança?")["found"] is False  # not yet: only the CV
    info = svc.add_document(sid, kind="recommendation", filename="carta.pdf", data=make_pdf(LETTER))
    assert [d["kind"] for d in info["documents"]] == ["cv", "recommendation"]
    events = [m for m in info["messages"] if m["role"] == "event"]
    assert len(events) == 1 and "Documento adicionado: Carta de recomendação (carta.pdf)" in events[0]["content"]
    after = svc.send(sid, "Ela tem experiência com liderança?")
    assert after["found"] and "liderando a equipe de pagamentos" in after["answer"]  # the letter is read now
    # a newer CV replaces the old one, retitles the session, and is noted as a replacement
    newer = CV.replace("Maria Souza", "Maria Souza Lima").replace("8 anos", "9 anos")
    info = svc.add_document(sid, kind="cv", filename="cv-2026.txt", data=newer.encode())
    assert info["title"] == "Maria Souza Lima — Desenvolvedor Java Sênior" and "9 anos" in info["summary"]
    assert "Documento substituído: CV agora é cv-2026.txt (antes: cv.txt)" in info["messages"][-1]["content"]
    assert "9 anos" in svc.send(sid, "Quantos anos de experiência ela tem?")["answer"]
    # the turn count and the prompt's history ignore the notes
    svc.send(sid, "Conte como foi o trabalho dela no Banco Alfa.")
    assert [m["role"] for m in gen.calls[-1].messages[1:-1]] == ["user", "assistant"] * 3
    # a title the user gave is kept when the CV changes
    mine = svc.create_session(documents=[("cv", "cv.txt", CV.encode())], title="Vaga 1003 — Maria")["session_id"]
    assert svc.add_document(mine, kind="cv", filename="n.txt", data=newer.encode())["title"] == "Vaga 1003 — Maria"
    # a bad upload changes nothing
    with pytest.raises(ChatError):
        svc.add_document(sid, kind="photo", filename="p.txt", data=b"x")
    assert [m["role"] for m in svc.history(sid)["messages"]].count("event") == 2
