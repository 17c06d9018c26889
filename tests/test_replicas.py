"""Two ``bentoml serve`` replicas on shared state: one PostgreSQL (RECRUTA_DATABASE_URL), one Chroma server.

Each replica has its own RECRUTA_HOME (nothing is shared through a local disk: a replica that ignored the database
URL would write its own SQLite file and the cross-replica checks would fail); they share only the BentoML store
that holds the champion, as replicas share an image. The champion's generator is an OpenAI-compatible endpoint
served by this test (a few words per second), so a streamed answer is really in flight when a replica is killed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from devtools.postgres import PASSWORD, Postgres, pg_bin, postgres
from devtools.servers import serve
from tests.conftest import BIN, ROOT, env_for, free_port, stop, wait_http

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(pg_bin() is None, reason="PostgreSQL not installed (make install adds it)"),
]

WORDS = [f"palavra{i}" for i in range(40)]  # the fake LLM's streamed answer: 40 pieces, 0.15 s apart
PIECE_S = 0.15


class FakeLLM(ThreadingHTTPServer):
    """``POST /chat/completions`` like OpenAI's: a whole answer, or the same as slow server-sent events."""

    daemon_threads = True
    streams = 0

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", free_port()), _LLMHandler)


class _LLMHandler(BaseHTTPRequestHandler):
    server: FakeLLM

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if not body.get("stream"):
            data = json.dumps({"choices": [{"message": {"content": " ".join(WORDS)}}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        self.server.streams += 1
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        try:
            for word in WORDS:
                chunk = {"choices": [{"delta": {"content": word + " "}}]}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
                time.sleep(PIECE_S)
            self.wfile.write(b"data: [DONE]\n\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the replica went away mid-answer


@dataclass
class Cluster:
    pg: Postgres
    replicas: list[subprocess.Popen[bytes]]
    urls: list[str]
    llm: FakeLLM
    env: dict[str, str]  # a replica's environment (its own home is set per replica)
    tmp: Path


CHAMPION = """
import sys
from dataclasses import asdict, replace
from pathlib import Path
from experiment import run_grid
from model import RAGConfig
from recruta.core.settings import get_settings
from recruta.rag.generators import EchoGenerator
settings = get_settings()
config = replace(RAGConfig.from_settings(settings), embedder="hash", generator="openai:fake", top_k=3)
# evaluated with the echo double (fast); served against RECRUTA_OPENAI_BASE_URL
run_grid(settings=settings, configs=[config], data_dir=Path(sys.argv[1]), limit=4,
         generators={"openai:fake": EchoGenerator()})
"""


def start_replicas(
    env: dict[str, str], homes: list[Path], tmp: Path
) -> tuple[list[subprocess.Popen[bytes]], list[str]]:
    """Start every replica at once (their migrations race for the lock), then wait for all."""
    procs, urls = [], []
    for i, home in enumerate(homes):
        port = free_port()
        log = open(tmp / f"replica{i}.log", "w")  # noqa: SIM115 (kept open for the process' life)
        procs.append(
            subprocess.Popen(
                [str(BIN / "bentoml"), "serve", "service:Recruta", "--host", "127.0.0.1", "--port", str(port)],
                cwd=ROOT,
                env={**env, "RECRUTA_HOME": str(home)},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        urls.append(f"http://127.0.0.1:{port}")
    for proc, url in zip(procs, urls, strict=True):
        wait_http(f"{url}/readyz", timeout=300, proc=proc)
    return procs, urls


@pytest.fixture(scope="module")
def cluster(small_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    tmp = tmp_path_factory.mktemp("replicas")
    llm = FakeLLM()
    threading.Thread(target=llm.serve_forever, daemon=True).start()
    with (
        postgres() as pg,
        serve(
            "chroma", "--path", str(tmp / "chroma"), env=env_for(tmp / "chroma-home"), log=tmp / "chroma.log"
        ) as chroma,
    ):
        build = tmp / "build"
        shared = {
            "RECRUTA_EMBEDDER": "hash",
            "RECRUTA_CHUNK_SIZE": "600",
            "RECRUTA_CHROMA_HOST": "127.0.0.1",
            "RECRUTA_CHROMA_PORT": str(chroma.port),
        }
        env = env_for(build, **shared)
        run = dict(cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        for cmd in (
            [sys.executable, "ingestion.py", "--data-dir", str(small_data)],
            [sys.executable, "-c", CHAMPION, str(small_data)],
            [sys.executable, "register.py"],
        ):
            done = subprocess.run(cmd, **run)
            assert done.returncode == 0, (cmd[:2], done.stderr[-3000:])
        replica_env = {
            **env,
            "RECRUTA_DATABASE_URL": pg.url,
            "BENTOML_HOME": str(build / "bentoml"),
            "RECRUTA_OPENAI_BASE_URL": f"http://127.0.0.1:{llm.server_port}",
        }
        procs, urls = start_replicas(replica_env, [tmp / "home-a", tmp / "home-b"], tmp)
        try:
            yield Cluster(pg=pg, replicas=procs, urls=urls, llm=llm, env=replica_env, tmp=tmp)
        finally:
            for proc in procs:
                stop(proc, group=True, timeout=30)
            llm.shutdown()


def post(url: str, path: str, **kwargs: Any) -> httpx.Response:
    return httpx.post(f"{url}{path}", timeout=60, **kwargs)


CV = "Maria Souza\nAnalista SAP FI com 7 anos de experiência em S/4HANA.\nFormação: Ciências Contábeis."


def open_session(url: str) -> str:
    r = post(url, "/chat/sessions", files={"cv": ("cv.txt", CV.encode())})
    assert r.status_code == 200, r.text
    return str(r.json()["session_id"])


def history(url: str, sid: str) -> list[tuple[str, str]]:
    r = post(url, "/chat/history", json={"session_id": sid})
    assert r.status_code == 200, r.text
    return [(m["role"], m["content"]) for m in r.json()["messages"]]


def test_replicas_share_one_database_and_no_local_one(cluster: Cluster) -> None:
    assert not (cluster.tmp / "home-a" / "recruta.db").exists() and not (cluster.tmp / "home-b" / "recruta.db").exists()
    engine = sa.create_engine(cluster.pg.url)
    with engine.connect() as conn:  # both replicas ran the migrations at once; one did the work
        assert conn.scalar(sa.text("SELECT version_num FROM alembic_version")) == "0002"
    engine.dispose()


def test_a_chat_opened_on_one_replica_continues_on_the_other(cluster: Cluster) -> None:
    a, b = cluster.urls
    sid = open_session(a)
    first = post(a, "/chat/message", json={"session_id": sid, "message": "Resuma a experiência SAP"})
    assert first.status_code == 200, first.text
    second = post(b, "/chat/message", json={"session_id": sid, "message": "E a formação?"})
    assert second.status_code == 200, second.text
    expected = [
        ("user", "Resuma a experiência SAP"),
        ("assistant", first.json()["answer"]),
        ("user", "E a formação?"),
        ("assistant", second.json()["answer"]),
    ]
    assert history(a, sid) == history(b, sid) == expected
    assert any(s["session_id"] == sid for s in post(b, "/chat/list", json={}).json()["sessions"])


def test_concurrent_jd_feedback_over_both_replicas_loses_none(cluster: Cluster) -> None:
    a, b = cluster.urls
    jd = post(b, "/generate_jd", json={"title": "Analista SAP FI", "skills": ["SAP FI", "S/4HANA"]})
    assert jd.status_code == 200, jd.text
    jd_id = jd.json()["id"]
    n = 200

    def rate(i: int) -> int:
        r = httpx.post(
            f"{(a, b)[i % 2]}/jd/feedback",
            json={"jd_id": jd_id, "rating": i % 5 + 1, "comment": f"write {i}"},
            timeout=120,
        )
        return r.status_code

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=40) as pool:
        statuses = list(pool.map(rate, range(n)))
    elapsed = time.perf_counter() - started
    assert statuses == [200] * n
    engine = sa.create_engine(cluster.pg.url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT rating, comment FROM jd_feedback WHERE jd_id = :j"), {"j": jd_id}).all()
    engine.dispose()
    assert sorted(c for _, c in rows) == sorted(f"write {i}" for i in range(n))
    assert sum(r for r, _ in rows) == sum(i % 5 + 1 for i in range(n))
    print(f"{n} concurrent feedback writes over 2 replicas: {elapsed:.1f} s")


def test_postgres_down_is_503_with_retry_after_then_recovers(cluster: Cluster) -> None:
    a, b = cluster.urls
    sid = open_session(a)
    cluster.pg.stop()
    try:
        for url in (a, b):
            for path, body in (("/chat/history", {"session_id": sid}), ("/jd/feedback", {"jd_id": "x", "rating": 3})):
                r = post(url, path, json=body)
                assert r.status_code == 503, (path, r.status_code, r.text)
                assert int(r.headers["Retry-After"]) > 0
                assert PASSWORD not in r.text
        # what does not need the database keeps working
        assert post(b, "/responder", json={"pergunta": "analista"}).status_code == 200
    finally:
        cluster.pg.start()
    for url in (a, b):
        assert history(url, sid) == []  # the pools reconnected; nothing was lost
    assert post(b, "/chat/message", json={"session_id": sid, "message": "De volta?"}).status_code == 200


def test_a_wrong_database_url_stops_the_start_with_a_clear_message(cluster: Cluster, tmp_path: Path) -> None:
    """The replica never becomes ready and says why, without the password. (BentoML restarts a worker whose
    start-up failed, every ~10 s, so the message repeats and the process stays: a rollout with a wrong URL never
    gets ready while the old replicas keep serving; a database that was merely late is picked up.)"""
    secret = "n0t-the-Passw0rd"
    env = {
        **cluster.env,
        "RECRUTA_HOME": str(tmp_path / "home"),
        "RECRUTA_DATABASE_URL": cluster.pg.url.replace(f":{PASSWORD}@", f":{secret}@"),
    }
    port = free_port()
    log_path = tmp_path / "bad.log"
    expected = "RECRUTA_DATABASE_URL=postgresql+psycopg://recruta:***@127.0.0.1"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [str(BIN / "bentoml"), "serve", "service:Recruta", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 240
            while expected not in log_path.read_text(errors="replace") and time.monotonic() < deadline:
                assert proc.poll() is None or expected in log_path.read_text(errors="replace")
                time.sleep(1)
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code
            except httpx.HTTPError:
                ready = None
            assert ready != 200
        finally:
            stop(proc, group=True)
    text = log_path.read_text(errors="replace")
    assert expected in text, text[-3000:]
    assert "password authentication failed" in text
    assert secret not in text


def test_killing_a_replica_mid_stream_loses_no_stored_message(cluster: Cluster) -> None:
    a, b = cluster.urls
    sid = open_session(a)
    done = post(a, "/chat/message", json={"session_id": sid, "message": "Resuma a experiência SAP"})
    assert done.status_code == 200, done.text
    before = history(b, sid)
    assert len(before) == 2
    streams = cluster.llm.streams
    received = ""
    with httpx.stream(
        "POST", f"{a}/chat/stream", json={"session_id": sid, "message": "Fale do S/4HANA"}, timeout=60
    ) as s:
        assert s.status_code == 200
        try:
            for piece in s.iter_text():
                received += piece
                if received.count("palavra") >= 3:
                    os.killpg(cluster.replicas[0].pid, signal.SIGKILL)  # the whole replica, workers too
                    cluster.replicas[0].wait(timeout=30)
                    break
        except httpx.HTTPError:
            pass  # the connection died with the replica
    assert cluster.llm.streams == streams + 1  # the answer really came from the slow generator
    assert 3 <= received.count("palavra") < len(WORDS)  # cut mid-answer
    after = history(b, sid)
    assert after[:2] == before  # every stored message is still there, in order
    assert after[2] == ("user", "Fale do S/4HANA")  # stored before the first piece was sent
    assert len(after) == 3  # the unfinished answer was never stored (not half of it, not twice)
    cont = post(b, "/chat/message", json={"session_id": sid, "message": "E agora?"})
    assert cont.status_code == 200, cont.text
    assert history(b, sid) == [*after, ("user", "E agora?"), ("assistant", cont.json()["answer"])]
