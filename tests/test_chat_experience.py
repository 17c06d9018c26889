"""The chat's answer to "how many years of experience?" quotes what the years are computed from: the claim ("5+
years") and every work period, whatever way the CV writes its months ("Jun 2021 - Dec 2022", "03/2015 a 07/2019")."""

from __future__ import annotations

from recruta.chat.answers import experience
from recruta.chat.profiles import Analyst

CV = """JOHN DOE
SENIOR SOFTWARE ENGINEER
Senior Software Engineer with 5+ years of proven expertise designing and building scalable backend systems.
EXPERIENCE
Senior Software Engineer
Jan 2023 - Present
Stripe San Francisco, CA
• Built fraud detection pipelines with Kafka and Go.
Software Engineer
Jun 2021 - Dec 2022
Figma San Francisco, CA
Software Engineer
Jul 2019 - May 2021
Notion San Francisco, CA"""

CV_PT = """Maria Souza
Analista de Sistemas
Experiência
03/2015 a 07/2019 Banco X - analista de sistemas
jan/2020 até hoje Empresa Y - analista sênior"""


def test_the_years_are_quoted_with_the_claim_and_every_period():
    got = experience({"cv": CV}, lang="en", analyst=Analyst(embedder=None))
    assert "5 years" in got.answer
    for quote in ("5+ years", "Jan 2023 - Present", "Jun 2021 - Dec 2022", "Jul 2019 - May 2021"):
        assert quote in got.answer, quote
    assert got.answer.index("5+ years") < got.answer.index("Jan 2023 - Present")


def test_periods_written_with_numeric_and_named_months_are_all_quoted():
    got = experience({"cv": CV_PT}, lang="pt", analyst=Analyst(embedder=None))
    assert "03/2015 a 07/2019" in got.answer and "jan/2020 até hoje" in got.answer


def chat(tmp_path):
    from recruta.chat.service import ChatService
    from recruta.core.db import make_sessionmaker
    from recruta.ingest.embeddings import get_embedder
    from recruta.rag.generators import ExtractiveGenerator

    svc = ChatService(
        sessionmaker=make_sessionmaker(f"sqlite:///{tmp_path / 'chat.db'}"),
        generator=ExtractiveGenerator(),
        embedder=get_embedder("hash"),
    )
    return svc, svc.create_session(documents=[("cv", "cv.txt", CV.encode())])["session_id"]


def test_the_companies_a_cv_worked_at_are_named_and_are_not_its_tools(tmp_path):
    svc, sid = chat(tmp_path)
    where = svc.send(sid, "Em quais empresas ele trabalhou?")
    assert "**Empresas:** Stripe, Figma, Notion" in where["answer"]
    for question, said, line in (
        ("Ele conhece Figma?", "O CV cita Figma como empresa onde trabalhou", "Figma San Francisco, CA"),
        ("Does he use Notion?", "The CV names Notion as a company they worked at", "Notion San Francisco, CA"),
        ("¿Usa Figma?", "El CV cita Figma como empresa donde trabajó", "Figma San Francisco, CA"),
    ):
        got = svc.send(sid, question)
        assert said in got["answer"] and line in got["answer"], (question, got["answer"])
        assert not got["answer"].startswith(("**Sim", "**Yes", "**Sí")), (question, got["answer"])
    tools = svc.send(sid, "Quais tecnologias ele usa?")["answer"]
    assert "Kafka" in tools and "Figma" not in tools and "Notion" not in tools


def test_a_language_the_cv_is_written_in_is_said_without_inventing_a_level(tmp_path):
    svc, sid = chat(tmp_path)
    for question, said in (
        ("Ele fala inglês?", "O CV está escrito em inglês, mas não declara um nível."),
        ("Does he speak English?", "The CV is written in English, but states no level."),
        ("¿Habla inglés?", "El CV está escrito en inglés, pero no declara un nivel."),
    ):
        got = svc.send(sid, question)["answer"]
        assert said in got and not got.startswith(("**Sim", "**Yes", "**Sí")), (question, got)
    spanish = svc.send(sid, "Ele fala espanhol?")["answer"]
    assert "escrito" not in spanish and "Nenhum documento carregado menciona espanhol" in spanish


def test_a_question_about_one_degree_gets_yes_or_the_highest_the_cv_shows(tmp_path):
    from recruta.chat.service import ChatService
    from recruta.core.db import make_sessionmaker
    from recruta.ingest.embeddings import get_embedder
    from recruta.rag.generators import ExtractiveGenerator

    svc = ChatService(
        sessionmaker=make_sessionmaker(f"sqlite:///{tmp_path / 'edu.db'}"),
        generator=ExtractiveGenerator(),
        embedder=get_embedder("hash"),
    )
    cv = CV + "\nEDUCATION\nUC Berkeley\nBachelor of Science, Computer Science"
    sid = svc.create_session(documents=[("cv", "cv.txt", cv.encode())])["session_id"]
    for question, start in (
        (
            "Ele tem mestrado?",
            "**Os documentos não dizem.** O CV não mostra pós-graduação: a formação mais alta nele é",
        ),
        ("Does he have a master's degree?", "**The documents don't say.** The CV does not show postgraduate"),
        ("¿Tiene maestría?", "**Los documentos no lo dicen.** El CV no muestra posgrado"),
        ("Ele tem ensino superior?", "**Sim.**"),
    ):
        got = svc.send(sid, question)
        assert got["intent"] == "education" and got["answer"].startswith(start), (question, got["answer"])
        assert "Bachelor of Science, Computer Science" in got["answer"]


JOB = """Backend Engineer
Requirements: Python; Kafka; Rust; Kubernetes."""


def test_a_question_about_what_the_candidate_lacks_gets_the_gaps_first(tmp_path):
    svc, _ = chat(tmp_path)
    sid = svc.create_session(documents=[("cv", "cv.txt", CV.encode()), ("job_description", "job.txt", JOB.encode())])[
        "session_id"
    ]
    asked = {
        "Quais os pontos fracos dele para a vaga?": ("**Lacunas:**", "**Pontos fortes:**"),
        "What are his weaknesses for this job?": ("**Gaps:**", "**Strengths:**"),
        "Ele é um bom candidato para a vaga?": ("**Pontos fortes:**", "**Lacunas:**"),
    }
    for question, (first, then) in asked.items():
        got = svc.send(sid, question)
        assert got["intent"] == "fit", (question, got["intent"])
        text = got["answer"]
        assert first in text and then in text and text.index(first) < text.index(then), (question, text)
