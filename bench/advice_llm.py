"""LLM-written advice (/match) and JD responsibilities with the packaged SmolLM2: how much passes the checks,
whether anything invented gets through, and what it costs (issue 16).

    nice -n 5 .venv/bin/python -m bench.advice_llm                 # 18 llmmatch pairs + 3 resumes × 4 JDs + 12 JDs
    nice -n 5 .venv/bin/python -m bench.advice_llm --limit 4 --jd 3   # a quick look

The model is the packaged SmolLM2 on the backend the service decodes it with (``generator_for``: openvino-genai
by default, ``RECRUTA_LLM_BACKEND``). Advice: every pair goes through ``Screener.match`` twice, without a
generator (the deterministic advice) and with the LLM (greedy, the API's defaults: temperature 0, max_tokens 256),
no embedder (the semantic signal does not change which lines are reworded). Per pair the model is asked to reword
up to 3 CV lines. Each finished pair is cached in ``<out dir>/advice_llm_cache/``, keyed by the pair, the
generator (name, backend, decoding) and a hash of the recruta package: a stopped run resumes where it stopped, and
the figures are over every finished pair (``pairs`` of ``pairs_of``; ``pairs_from_cache`` were measured by an
earlier run, their ``at`` and ``load1`` kept). Reported:

- rewordings asked / accepted, and rejected by reason;
- invented skills: skills a raw rewording names that the CV does not show (before the checks) and in the advice
  actually returned (after the checks: must be 0);
- share of advice lines that quote the CV (returned advice lines holding a line of the CV's text), and whether
  every quoted line is in the CV;
- /match latency with and without the LLM (p50, p95) and per LLM call.

JD: ``JDService.generate`` on requests of the project's sample (bench.jd_quality.sample_requests) with a
lexical retrieve over data/vagas.json; responsibilities written by the LLM and accepted, invented skills before
and after the checks, latency. Results are printed as JSON and written to bench/out/advice_llm.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from recruta.core.settings import get_settings, quiet_telemetry  # noqa: E402

quiet_telemetry()

from bench.match_quality import llmmatch_pairs  # noqa: E402

RESUMES = ROOT.parent / "shared" / "data" / "resumes"
_QUOTE = re.compile(r"[“«](.+?)[”»]")
RECORD_VERSION = 1  # the cached pair record's layout (run_pair); a change re-runs every pair


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return round(s[min(len(s) - 1, math.ceil(q * len(s)) - 1)], 1)


def english_pairs() -> list[dict[str, Any]]:
    from recruta.files import parse_file

    out = []
    for pdf in sorted(RESUMES.glob("*.pdf")):
        cv = parse_file(pdf.read_bytes(), filename=pdf.name, max_chars=60_000).text
        for jd in sorted((RESUMES / "jds").glob("*.txt")):
            out.append({"name": f"{pdf.stem}/{jd.stem}", "cv": cv, "job": jd.read_text(encoding="utf-8")})
    return out


def code_hash() -> str:
    """What the advice's results depend on: every file of the recruta package (code, vocabularies, catalogues) and
    the cached record's layout. A cached pair is reused only while this is unchanged."""
    h = hashlib.sha256(f"record {RECORD_VERSION}".encode())
    package = ROOT / "recruta"
    for path in sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        h.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def pair_key(pair: dict[str, Any], generator: str, code: str) -> str:
    """Cache key of one pair's result: the pair (name and texts), the generator (name, backend, decoding) and
    :func:`code_hash`."""
    texts = hashlib.sha256(f"{pair['cv']}\0{pair['job']}".encode()).hexdigest()
    return hashlib.sha256(f"{pair['name']}|{texts}|{generator}|{code}".encode()).hexdigest()[:24]


def run_pair(plain: Any, written: Any, pair: dict[str, Any], calls: list[Any]) -> dict[str, Any]:
    """One pair through ``Screener.match`` without and with the LLM: its timings, the rewordings asked (from
    ``calls``, filled by the spy on ``advice_llm.reword``) and the returned advice's counts."""
    from recruta.facts import extract_skills

    t0 = time.perf_counter()
    base = plain.match(cv_text=pair["cv"], job_text=pair["job"])
    t_plain = (time.perf_counter() - t0) * 1000
    calls.clear()
    t0 = time.perf_counter()
    res = written.match(cv_text=pair["cv"], job_text=pair["job"])
    t_llm = (time.perf_counter() - t0) * 1000
    assert res["score"] == base["score"]
    cv = plain.cv(cv_text=pair["cv"])[0]
    quoting = quotes_in_cv = final_invented = 0
    for text in res["advice"]:
        found = _QUOTE.findall(text)
        if found and text not in base["advice"]:
            quoting += 1
            quotes_in_cv += found[0] in cv.text
    for text in res["advice"][: len(res["advice"]) - len(base["advice"])]:
        rewrite = _QUOTE.findall(text)[-1]
        final_invented += len(set(extract_skills(rewrite)) - set(cv.skills))
    return {
        "pair": pair["name"],
        "at": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        "load1": round(os.getloadavg()[0], 1),
        "match_ms_without_llm": round(t_plain, 1),
        "match_ms_with_llm": round(t_llm, 1),
        "advice_source": res["advice_source"],
        "advice_lines": len(res["advice"]),
        "advice_lines_quoting_the_cv": quoting,
        "quoted_lines_found_in_cv": quotes_in_cv,
        "invented_skills_in_returned_advice": final_invented,
        "rewrites": [
            {
                "line": r.line,
                "skill": r.skill,
                "text": r.text,
                "reason": r.reason,
                "invented": list(r.invented),
                "ms": r.ms,
            }
            for r in calls
        ],
    }


def summarize(records: list[dict[str, Any]], *, total: int, from_cache: int) -> dict[str, Any]:
    """The source's figures over its finished pairs (cached or run now)."""
    calls = [r for rec in records for r in rec["rewrites"]]
    reasons: dict[str, int] = {}
    for r in calls:
        reasons[r["reason"]] = reasons.get(r["reason"], 0) + 1
    asked, accepted = len(calls), reasons.get("ok", 0)
    lines = sum(rec["advice_lines"] for rec in records)
    quoting = sum(rec["advice_lines_quoting_the_cv"] for rec in records)
    t_plain = [rec["match_ms_without_llm"] for rec in records]
    t_llm = [rec["match_ms_with_llm"] for rec in records]
    t_call = [r["ms"] for r in calls if r["reason"] != "error"]
    loads = [rec["load1"] for rec in records]
    times = [rec["at"] for rec in records]
    return {
        "pairs": len(records),
        "pairs_of": total,
        "pairs_from_cache": from_cache,
        "rewordings_asked": asked,
        "rewordings_accepted": accepted,
        "accepted_share": round(accepted / asked, 3) if asked else None,
        "rejected_by_reason": dict(sorted(reasons.items())),
        "raw_rewordings_with_invented_skills": sum(bool(r["invented"]) for r in calls),
        "invented_skills_in_returned_advice": sum(rec["invented_skills_in_returned_advice"] for rec in records),
        "advice_lines": lines,
        "advice_lines_quoting_the_cv": quoting,
        "share_quoting_the_cv": round(quoting / lines, 3) if lines else None,
        "quoted_lines_found_in_cv": sum(rec["quoted_lines_found_in_cv"] for rec in records),
        "pairs_with_llm_advice": sum(rec["advice_source"] == "llm" for rec in records),
        "match_ms_without_llm": {"p50": pct(t_plain, 0.5), "p95": pct(t_plain, 0.95)},
        "match_ms_with_llm": {"p50": pct(t_llm, 0.5), "p95": pct(t_llm, 0.95)},
        "llm_call_ms": {"p50": pct(t_call, 0.5), "p95": pct(t_call, 0.95), "n": len(t_call)},
        "load1": {"min": min(loads, default=None), "max": max(loads, default=None)},
        "measured": {"first": min(times, default=None), "last": max(times, default=None)},
        "examples": [
            {"pair": rec["pair"], "line": r["line"], "rewrite": r["text"]}
            for rec in records
            for r in rec["rewrites"]
            if r["reason"] == "ok"
        ][:6],
        "rejected_examples": [
            {"pair": rec["pair"], "line": r["line"], "rewrite": r["text"], "reason": r["reason"]}
            for rec in records
            for r in rec["rewrites"]
            if r["reason"] != "ok"
        ][:6],
    }


def bench_advice(
    llm: Any, pairs: list[dict[str, Any]], *, cache_dir: Path, generator: str, max_minutes: float = 0
) -> dict[str, Any]:
    """Every pair of ``pairs``: read from ``cache_dir`` when this generator and this code already ran it, else run
    and cached at once (so a stopped run resumes where it stopped); ``max_minutes`` bounds the new runs."""
    from recruta.screening import advice_llm
    from recruta.screening.screener import Screener

    plain = Screener(store=None, embedder=None)
    written = Screener(store=None, embedder=None, generator=llm)
    code = code_hash()
    cache_dir.mkdir(parents=True, exist_ok=True)
    calls: list[advice_llm.Rewrite] = []
    original = advice_llm.reword

    def spy(*args: Any, **kwargs: Any) -> advice_llm.Rewrite:
        r = original(*args, **kwargs)
        calls.append(r)
        return r

    records: list[dict[str, Any]] = []
    from_cache = 0
    advice_llm.reword = spy  # type: ignore[assignment]
    try:
        started = time.perf_counter()
        for i, pair in enumerate(pairs, 1):
            cached = cache_dir / f"{pair_key(pair, generator, code)}.json"
            if cached.exists():
                records.append(json.loads(cached.read_text(encoding="utf-8")))
                from_cache += 1
                continue
            if max_minutes and time.perf_counter() - started > 60 * max_minutes:
                print(f"advice: time budget reached at pair {i} of {len(pairs)}", file=sys.stderr, flush=True)
                break
            rec = run_pair(plain, written, pair, calls)
            tmp = cached.with_suffix(".tmp")
            tmp.write_text(json.dumps(rec, ensure_ascii=False, indent=1), encoding="utf-8")
            tmp.rename(cached)
            records.append(rec)
            print(
                f"advice {i}/{len(pairs)} {pair['name']}: {rec['match_ms_with_llm'] / 1000:.1f} s, "
                f"{sum(r['reason'] == 'ok' for r in rec['rewrites'])}/{len(rec['rewrites'])} accepted",
                file=sys.stderr,
                flush=True,
            )
    finally:
        advice_llm.reword = original  # type: ignore[assignment]
    return summarize(records, total=len(pairs), from_cache=from_cache)


class LexicalIndex:
    """``RAGAgent.retrieve``-shaped lexical retrieval over data/vagas.json's chunks (no embedder needed)."""

    def __init__(self, data_dir: Path) -> None:
        from recruta.ingest.documents import vaga_documents
        from recruta.ingest.schema import Vaga
        from recruta.ingest.store import Hit
        from recruta.text.fold import content_words

        raw = json.loads((data_dir / "vagas.json").read_text(encoding="utf-8"))
        self.hits = []
        for vid in sorted(raw):
            try:
                vaga = Vaga.model_validate(raw[vid])
            except Exception:  # noqa: BLE001 - a malformed record is skipped, as ingestion does
                continue
            for d in vaga_documents(vid, vaga, size=800, overlap=100):
                self.hits.append(Hit(id=d.id, text=d.text, metadata=dict(d.metadata), score=0.0))
        self.words = [content_words(h.text) for h in self.hits]
        self._cw = content_words

    def retrieve(self, question: str, *, k: int = 5, filters: dict[str, Any] | None = None) -> list[Any]:
        from recruta.ingest.store import Hit

        q = self._cw(question)

        def ok(meta: dict[str, Any]) -> bool:
            for key, val in (filters or {}).items():
                if isinstance(val, dict):
                    if meta.get(key) not in next(iter(val.values())):
                        return False
                elif key != "$and" and meta.get(key) != val:
                    return False
            return True

        scored = sorted(
            (
                (-len(q & w) / math.sqrt(len(w) + 1), h.id, h)
                for h, w in zip(self.hits, self.words, strict=True)
                if ok(h.metadata)
            ),
            key=lambda t: (t[0], t[1]),
        )
        return [Hit(id=h.id, text=h.text, metadata=h.metadata, score=-s) for s, _, h in scored[:k]]


def bench_jd(llm: Any, n: int) -> dict[str, Any]:
    from bench.jd_quality import sample_requests
    from recruta.core.db import make_sessionmaker
    from recruta.jd import JDService, llm_writing

    settings = get_settings()
    index = LexicalIndex(settings.data_dir)
    seen: list[llm_writing.Written] = []
    original = llm_writing.write_responsibilities

    def spy(*args: Any, **kwargs: Any) -> llm_writing.Written:
        w = original(*args, **kwargs)
        seen.append(w)
        return w

    import recruta.jd.service as jd_service

    jd_service.write_responsibilities = spy  # type: ignore[assignment]
    t_llm, t_plain, reasons = [], [], {}
    summary_llm = resp_llm = final_invented = raw_invented = 0
    examples = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            sm = make_sessionmaker(f"sqlite:///{tmp}/bench.db")
            plain = JDService(sessionmaker=sm, retrieve=index.retrieve)
            written = JDService(sessionmaker=sm, retrieve=index.retrieve, generator=llm)
            for req in sample_requests(settings.data_dir, n=n):
                t0 = time.perf_counter()
                plain.generate(req)
                t_plain.append((time.perf_counter() - t0) * 1000)
                seen.clear()
                t0 = time.perf_counter()
                jd = written.generate(req)
                t_llm.append((time.perf_counter() - t0) * 1000)
                summary_llm += jd["summary_source"] == "llm"
                resp_llm += jd["responsibilities_source"] == "llm"
                print(
                    f"jd {len(t_llm)}/{n} {req.title} ({req.language}): {t_llm[-1] / 1000:.1f} s, "
                    f"responsibilities {jd['responsibilities_source']}",
                    file=sys.stderr,
                    flush=True,
                )
                for w in seen:
                    reasons[w.reason] = reasons.get(w.reason, 0) + 1
                    raw_invented += bool(w.invented)
                    if w.accepted:
                        final_invented += len(w.invented)
                        if len(examples) < 2:
                            examples.append({"title": req.title, "lang": req.language, "items": w.items})
    finally:
        jd_service.write_responsibilities = original  # type: ignore[assignment]
    return {
        "requests": len(t_llm),
        "summary_by_llm": summary_llm,
        "responsibilities_by_llm": resp_llm,
        "responsibilities_checks": dict(sorted(reasons.items())),
        "raw_lists_with_invented_skills": raw_invented,
        "invented_skills_in_returned_jds": final_invented,
        "jd_ms_without_llm": {"p50": pct(t_plain, 0.5), "p95": pct(t_plain, 0.95)},
        "jd_ms_with_llm": {"p50": pct(t_llm, 0.5), "p95": pct(t_llm, 0.95)},
        "examples": examples,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--limit", type=int, default=None, help="at most this many advice pairs per source")
    parser.add_argument("--skip-advice", action="store_true", help="only the JD part")
    parser.add_argument("--jd", type=int, default=12, help="JD requests (0: none)")
    parser.add_argument(
        "--max-minutes", type=float, default=0, help="per advice source: run no new pair after this long"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "advice_llm.json")
    args = parser.parse_args(argv)
    from recruta.rag.generators import Sampling, generator_backend, generator_for

    settings = get_settings()
    t0 = time.perf_counter()
    llm = generator_for("smollm2", settings)  # the served backend (RECRUTA_LLM_BACKEND, openvino by default)
    load_s = round(time.perf_counter() - t0, 1)
    generator = f"{llm.name} ({generator_backend(llm)}, {Sampling()})"
    ru = [{"name": f"{p['file']}#{p['n']}", "cv": p["cv"], "job": p["vacancy"]} for p in llmmatch_pairs()]
    en = english_pairs()
    if args.limit:
        ru, en = ru[: args.limit], en[: args.limit]
    out: dict[str, Any] = {"model": generator, "load_s": load_s, "code": code_hash()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    cache = args.out.parent / "advice_llm_cache"

    def save() -> None:  # after each part, so a stopped run keeps what it measured
        args.out.write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")

    if not args.skip_advice:
        for part, pairs in (("advice_resumes_en", en), ("advice_llmmatch_ru", ru)):
            out[part] = bench_advice(llm, pairs, cache_dir=cache, generator=generator, max_minutes=args.max_minutes)
            save()
    if args.jd:
        out["jd"] = bench_jd(llm, args.jd)
        save()
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    from recruta.core import compute

    sys.exit(compute.run(main))  # all of it on the thread the models compute on (recruta/core/compute.py)
