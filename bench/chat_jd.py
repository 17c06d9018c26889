"""Issue-4 measurements: JD generation quality/latency and chat latency with the default local LLM.

    .venv/bin/python bench/chat_jd.py          # needs an index (make ingest) and the SmolLM2 package

JD: 20 requests built from data/vagas.json → share of given fields present, share with an invented salary
when none was given, latency p50; the far-titles set (tests/data/jd_far_titles.json) → share of lines foreign
to the role (issue #18, target 0); 60 requests from the sample's own titles → lines borrowed per JD. Chat: a session with a sample CV + job, 6 questions through SmolLM2
(stream, on the backend the service decodes it with: ``generator_for``) → first-token latency p50 and
whole-answer latency p50.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from recruta.core.settings import get_settings, quiet_telemetry  # noqa: E402

quiet_telemetry()

QUESTIONS = [
    "Resuma a experiência profissional do candidato.",
    "Quais tecnologias o candidato domina?",
    "O que devo perguntar na entrevista?",
    "Quais são os pontos fortes do candidato para esta vaga?",
    "Onde o candidato estudou?",
    "Quais idiomas o candidato fala?",
]


def main() -> int:
    from bench.jd_quality import borrowing, far_titles, load_far_titles, measure, sample_requests
    from model import RAGAgent, RAGConfig
    from recruta.chat.service import ChatService
    from recruta.core.db import make_sessionmaker
    from recruta.jd import JDService
    from recruta.rag.generators import generator_backend, generator_for

    settings = get_settings()
    agent = RAGAgent.from_config(RAGConfig.from_settings(settings, generator="extractive"), settings=settings)
    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        sm = make_sessionmaker(f"sqlite:///{tmp}/bench.db")
        jd = JDService(sessionmaker=sm, retrieve=agent.retrieve)
        out["jd"] = measure(jd, sample_requests(settings.data_dir, n=20))
        far = far_titles(jd, load_far_titles(ROOT / "tests" / "data" / "jd_far_titles.json"))
        out["jd_far_titles"] = {
            **{k: v for k, v in far.items() if k != "items"},
            "foreign": {i["id"]: i["foreign"] for i in far["items"] if i["foreign"]},
        }
        out["jd_sample_borrowing"] = borrowing(jd, sample_requests(settings.data_dir, n=60, seed=1))
        llm = generator_for("smollm2", settings)  # the served backend (RECRUTA_LLM_BACKEND, openvino by default)
        chat = ChatService(
            sessionmaker=sm, generator=llm, embedder=agent.embedder, retrieve=agent.retrieve, max_new_tokens=128
        )
        applicants = json.loads((settings.data_dir / "applicants.json").read_text())
        vagas = json.loads((settings.data_dir / "vagas.json").read_text())
        cv = next(a["cv_pt"] for a in applicants.values() if len(a["cv_pt"]) > 1200)
        v = next(iter(vagas.values()))["perfil_vaga"]
        job = v["principais_atividades"] + "\n" + v["competencia_tecnicas_e_comportamentais"]
        sid = chat.create_session(
            documents=[("cv", "cv.txt", cv.encode()), ("job_description", "vaga.txt", job.encode())]
        )["session_id"]
        first, whole, modes = [], [], []
        for q in QUESTIONS:
            t0 = time.perf_counter()
            t_first = None
            for _piece in chat.stream(sid, q):
                t_first = t_first or time.perf_counter()
            whole.append(time.perf_counter() - t0)
            first.append((t_first or time.perf_counter()) - t0)
            modes.append(chat.history(sid)["messages"][-1]["content"][:60])
        out["chat"] = {
            "first_token_s_p50": round(statistics.median(first), 3),
            "whole_answer_s_p50": round(statistics.median(whole), 3),
            "questions": len(QUESTIONS),
            "model": "smollm2",
            "backend": generator_backend(llm),
        }
    print(json.dumps(out, indent=1, ensure_ascii=False, default=str))
    (ROOT / "bench" / "out").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "out" / "chat_jd.json").write_text(json.dumps(out, indent=1, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    from recruta.core import compute

    sys.exit(compute.run(main))  # all of it on the thread the models compute on (recruta/core/compute.py)
