"""The built Bento is self-contained: ``bentoml serve recruta:<tag>`` answers with nothing from the checkout.

The server runs from a folder outside the checkout with no ``PYTHONPATH``, so every module, prompt, catalogue,
static page and migration it uses must come from the Bento (bentofile.yaml's ``include``). An earlier version of
this test set ``PYTHONPATH`` to the checkout and passed while the real Bento died at start-up for want of its JSON
data files and static page.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from devtools.servers import serve
from tests.conftest import BIN, ROOT, env_for

pytestmark = pytest.mark.server


def shipped_files() -> set[str]:
    """What the Bento must carry of ``recruta/``: every file there but bytecode."""
    return {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "recruta").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }


@pytest.fixture(scope="module")
def built(small_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """A champion (fake embedder, extractive) in a fresh BentoML store, and the Bento built from the checkout."""
    home = tmp_path_factory.mktemp("bento-build")
    env = env_for(home, RECRUTA_EMBEDDER="hash", RECRUTA_CHUNK_SIZE="600")
    run = dict(cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    for cmd in (
        [sys.executable, "experiment.py", "--grid", "test", "--data-dir", str(small_data), "--limit", "6"],
        [sys.executable, "register.py"],
        [str(BIN / "bentoml"), "build", "--output", "tag"],
    ):
        done = subprocess.run(cmd, **run)
        assert done.returncode == 0, (cmd, done.stderr[-3000:])
    tag = done.stdout.strip().splitlines()[-1].removeprefix("__tag__:")
    assert tag.startswith("recruta:"), done.stdout
    return tag, home / "bentoml"


def test_the_bento_carries_every_file_of_the_package(built: tuple[str, Path]) -> None:
    tag, store = built
    src = store / "bentos" / "recruta" / tag.split(":", 1)[1] / "src"
    inside = {p.relative_to(src).as_posix() for p in (src / "recruta").rglob("*") if p.is_file()}
    assert shipped_files() - inside == set()
    assert all((src / name).is_file() for name in ("service.py", "model.py", "ingestion.py"))
    assert not (src / "tests").exists() and not (src / "data").exists() and not (src / "devtools").exists()


def test_the_built_bento_serves_from_a_fresh_home_outside_the_checkout(built: tuple[str, Path], tmp_path: Path) -> None:
    tag, store = built
    fresh = tmp_path / "fresh"
    env = env_for(fresh)
    env.pop("PYTHONPATH")  # the checkout must not be importable
    env["BENTOML_HOME"] = str(store)  # the store holding the Bento and its champion
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with serve("bentoml", tag, env=env, cwd=elsewhere, log=tmp_path / "bento.log") as server:
        url = server.url
        r = httpx.post(f"{url}/responder", json={"pergunta": "analista de sistemas"}, timeout=60)
        assert r.status_code == 200 and r.json()["fontes"], r.text
        assert (fresh / "served").is_dir()  # the index, materialised from the champion's snapshot
        page = httpx.get(f"{url}/ui/", timeout=30)  # the recruiters' page: static files from the Bento
        assert page.status_code == 200 and "<html" in page.text.lower()
        # The database: created by the Bento's migrations; chat and JD wording from its catalogues.
        cv = "Maria Souza\nAnalista SAP FI com 7 anos de experiência em S/4HANA.\nFormação: Ciências Contábeis."
        created = httpx.post(f"{url}/chat/sessions", files={"cv": ("cv.txt", cv.encode())}, timeout=60)
        assert created.status_code == 200, created.text
        sid = created.json()["session_id"]
        sent = httpx.post(
            f"{url}/chat/message", json={"session_id": sid, "message": "Resuma a experiência SAP"}, timeout=60
        )
        assert sent.status_code == 200 and sent.json()["answer"], sent.text
        jd = httpx.post(f"{url}/generate_jd", json={"title": "Analista SAP FI", "skills": ["SAP FI"]}, timeout=60)
        assert jd.status_code == 200 and "Analista SAP FI" in jd.json()["markdown"], jd.text
        fb = httpx.post(f"{url}/jd/feedback", json={"jd_id": jd.json()["id"], "rating": 5}, timeout=30)
        assert fb.status_code == 200, fb.text
    assert (fresh / "recruta.db").is_file()
    log = (tmp_path / "bento.log").read_text(errors="replace")
    # nothing was loaded from the checkout (tracebacks and warnings would name its files); its virtualenv may
    # live inside it, as `make install` puts it, and is not the checkout's code
    venv = Path(sys.prefix).resolve()
    leaked = [line for line in log.splitlines() if str(ROOT) in line and str(venv) not in line]
    assert not leaked, leaked[:3]
