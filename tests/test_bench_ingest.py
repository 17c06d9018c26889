"""bench/ingest.py's overlap A/B (part C): its summary and table from synthetic runs (no ingestion)."""

import pytest

from bench.ingest import render_ab, summarise_ab
from ingestion import WRITE_BATCH


def _run(mode, overlap, round_, *, seconds, embed, write, wait=0.0, batch_size=WRITE_BATCH, documents=5000):
    return {
        "mode": mode,
        "overlap": overlap,
        "round": round_,
        "batch_size": batch_size,
        "seconds": seconds,
        "write_wait_s": wait,
        "documents": documents,
        "stages": {"load": 0.1, "documents": 1.0, "lookup": 0.1, "embed": embed, "write": write},
    }


def test_summary_pairs_rounds_and_accounts_writes_by_mode():
    runs = [
        _run("ab-real", False, 0, seconds=40.0, embed=30.0, write=5.0),
        _run("ab-real", True, 0, seconds=36.0, embed=31.0, write=5.5, wait=1.0),
        _run("ab-replay", False, 0, seconds=10.0, embed=0.5, write=7.0),
        _run("ab-replay", True, 0, seconds=8.0, embed=0.5, write=7.2, wait=4.0),
        _run("ab-replay", False, 0, seconds=12.0, embed=0.5, write=9.0, batch_size=256),
        _run("ab-real", True, 1, seconds=38.0, embed=32.0, write=5.0, wait=2.0),
        _run("ab-real", False, 1, seconds=44.0, embed=33.0, write=6.0),
    ]
    ab = summarise_ab(runs, model_alone_s=29.0, model_alone_chunks=5000)
    real_seq, real_ovl = ab["rows"][0], ab["rows"][1]
    assert (real_seq["embedder"], real_seq["overlap"], real_ovl["overlap"]) == ("real", False, True)
    assert real_seq["walls"] == [40.0, 44.0] and real_seq["wall_s"] == 42.0
    assert real_seq["write_share"] == pytest.approx(5.5 / (42.0 - 31.5))  # in turn: every write is the main's
    assert real_ovl["write_share"] == pytest.approx(1.5 / (37.0 - 31.5))  # overlapped: only the wait is
    assert real_ovl["overhead_vs_model_alone"] == pytest.approx((37.0 - 29.0) / 37.0)
    assert ab["speedup"]["ab-real"] == [pytest.approx(40 / 36), pytest.approx(44 / 38)]
    assert ab["speedup"]["ab-replay"] == [pytest.approx(10 / 8)]
    # the batch loop: documents + lookup + embed + writes in turn, or the wait for the writer
    assert ab["speedup"]["ab-replay loop"] == [pytest.approx((1.1 + 0.5 + 7.0) / (1.1 + 0.5 + 4.0))]
    assert real_seq["loop_s"] == pytest.approx(1.1 + (30.0 + 33.0) / 2 + (5.0 + 6.0) / 2)
    assert [b["batch_size"] for b in ab["batch_sizes"]] == [256, WRITE_BATCH]
    assert ab["batch_sizes"][0]["write_ms_per_1k"] == pytest.approx(9.0 / 5000 * 1e6)
    text = render_ab({"ab": ab, "ab_rounds": 2, "ab_label": "test scale"})
    assert 'id="ingest_overlap"' in text and "real, overlapped" in text and "40.0 / 44.0" in text
    assert "| 256 |" in text


def test_no_runs_render_nothing():
    assert render_ab({"ab": summarise_ab([], model_alone_s=1.0, model_alone_chunks=1), "ab_rounds": 0}) == ""
