import numpy as np
import pytest

from ingestion import IngestReport, ingest, main, open_index
from recruta.ingest.embeddings import HashEmbedder


class CountingEmbedder(HashEmbedder):
    def __init__(self, fail_after: int | None = None) -> None:
        super().__init__(256)
        self.name = "hash256"
        self.calls = self.texts = 0
        self.fail_after = fail_after

    def embed(self, texts, **kw) -> np.ndarray:
        if self.fail_after is not None and self.calls >= self.fail_after:
            raise KeyboardInterrupt("simulated kill")
        self.calls += 1
        self.texts += len(texts)
        return super().embed(texts)


def test_ingest_is_idempotent_and_reports_counts(small_data, settings):
    emb = CountingEmbedder()
    first = ingest(data_dir=small_data, settings=settings, embedder=emb, progress=False)
    assert isinstance(first, IngestReport)
    assert first.read == {"vagas": 30, "applicants": 80, "prospects": 200}
    assert first.embedded == first.documents > 200 and first.unchanged == 0
    store = open_index(settings, emb)
    assert store.count() == first.documents
    second = ingest(data_dir=small_data, settings=settings, embedder=emb, progress=False)
    assert (second.embedded, second.unchanged) == (0, first.documents)
    assert emb.texts == first.documents  # unchanged documents were not re-embedded
    assert store.count() == first.documents


def test_killed_run_resumes_and_equals_a_clean_run(small_data, settings, tmp_path):
    with pytest.raises(KeyboardInterrupt):
        ingest(
            data_dir=small_data,
            settings=settings,
            embedder=CountingEmbedder(fail_after=2),
            batch_size=64,
            progress=False,
        )
    partial = open_index(settings, CountingEmbedder()).count()
    assert 0 < partial < 200
    resumed = ingest(data_dir=small_data, settings=settings, embedder=CountingEmbedder(), batch_size=64, progress=False)
    assert resumed.unchanged == partial and resumed.embedded == resumed.documents - partial
    clean_settings = settings.model_copy(update={"home": tmp_path / "clean"})
    ingest(data_dir=small_data, settings=clean_settings, embedder=CountingEmbedder(), progress=False)
    assert sorted(open_index(settings, CountingEmbedder()).all_ids()) == sorted(
        open_index(clean_settings, CountingEmbedder()).all_ids()
    )


def test_changed_record_is_reembedded_and_prune_removes_stale(small_data, settings, tmp_path):
    import json
    import shutil

    data = tmp_path / "d"
    shutil.copytree(small_data, data)
    ingest(data_dir=data, settings=settings, embedder=CountingEmbedder(), progress=False)
    vagas = json.loads((data / "vagas.json").read_text())
    first = next(iter(vagas))
    vagas[first]["perfil_vaga"]["nivel_ingles"] = "Fluente (alterado)"
    removed = list(vagas)[-1]
    del vagas[removed]
    (data / "vagas.json").write_text(json.dumps(vagas, ensure_ascii=False))
    emb = CountingEmbedder()
    report = ingest(data_dir=data, settings=settings, embedder=emb, prune=True, progress=False)
    changed_chunks = [i for i in open_index(settings, emb).all_ids() if i.startswith(f"vaga:{first}:")]
    assert 1 <= report.embedded <= len(changed_chunks)  # only the changed vaga's chunks
    assert report.pruned >= 1
    assert not [i for i in open_index(settings, emb).all_ids() if i.startswith(f"vaga:{removed}:")]


def test_cli_prints_counts_and_rejects_missing_dir(small_data, tmp_path, monkeypatch, capsys):
    from recruta.core import settings as settings_mod

    monkeypatch.setenv("RECRUTA_HOME", str(tmp_path / "h"))
    settings_mod.get_settings.cache_clear()
    assert main(["--data-dir", str(small_data), "--embedder", "hash", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "read: vagas=30, applicants=80, prospects=200" in out and "embedded:" in out
    assert main(["--data-dir", str(tmp_path / "nope"), "--embedder", "hash"]) == 2
    settings_mod.get_settings.cache_clear()


def test_truncated_file_fails_cleanly_without_losing_the_index(small_data, settings, tmp_path, capsys, monkeypatch):
    import shutil

    from recruta.core import settings as settings_mod

    data = tmp_path / "d"
    shutil.copytree(small_data, data)
    ingest(data_dir=data, settings=settings, embedder=CountingEmbedder(), progress=False)
    before = open_index(settings, CountingEmbedder()).count()
    raw = (data / "applicants.json").read_bytes()
    (data / "applicants.json").write_bytes(raw[: len(raw) // 2])
    monkeypatch.setenv("RECRUTA_HOME", str(settings.home))
    monkeypatch.setenv("RECRUTA_CHUNK_SIZE", str(settings.chunk_size))
    settings_mod.get_settings.cache_clear()
    assert main(["--data-dir", str(data), "--embedder", "hash", "--quiet"]) == 1
    assert "at byte" in capsys.readouterr().err
    assert open_index(settings, CountingEmbedder()).count() == before
    settings_mod.get_settings.cache_clear()


@pytest.mark.parametrize("overlap", [False, True])
def test_report_times_every_stage(small_data, settings, overlap):
    report = ingest(
        data_dir=small_data, settings=settings, embedder=CountingEmbedder(), progress=False, overlap=overlap
    )
    stages = report.stage_seconds
    assert list(stages) == ["load", "documents", "lookup", "embed", "write"]
    assert all(v > 0 for v in stages.values())
    assert "documents" in report.summary() and "embed" in report.summary()
    assert report.overlap is overlap
    if overlap:  # write is the writer thread's busy time, beside the others: the main thread's stages + its wait fit
        main_thread = sum(v for k, v in stages.items() if k != "write") + report.write_wait_seconds
        assert main_thread <= report.seconds and report.write_wait_seconds >= 0
        assert "writes overlapped" in report.summary()
    else:
        assert sum(stages.values()) <= report.seconds and report.write_wait_seconds == 0
        assert "writes overlapped" not in report.summary()


def test_embedded_store_keeps_texts_in_its_table_not_in_chroma(small_data, settings):
    """Texts live once, in the text table beside the collection; Chroma holds vectors and metadata only."""
    ingest(data_dir=small_data, settings=settings, embedder=CountingEmbedder(), progress=False)
    store = open_index(settings, CountingEmbedder(), create=False)
    assert store.texts is not None and store.texts.path.parent == settings.chroma_path
    raw = store.collection.get(include=["documents"])
    assert raw["ids"] and not any(raw["documents"])  # nothing stored twice
    got = store.get()
    assert len(got["documents"]) == store.count() and all(got["documents"])
    hit = store.query(CountingEmbedder().embed(["desenvolvedor java"])[0], k=3)[0]
    assert hit.text == store.get(ids=[hit.id])["documents"][0]
    store.delete([hit.id])
    assert store.texts.get([hit.id]) == [""] and store.count() == len(got["ids"]) - 1


def test_a_run_killed_between_text_and_vector_write_is_repaired(small_data, settings, monkeypatch):
    """The text table is written before Chroma: a kill in between leaves texts without vectors, which the next
    run embeds and writes (its hash check finds them missing), so the index ends complete."""
    from recruta.ingest.store import Store

    calls = {"n": 0}
    real_upsert = Store.upsert

    def upsert_then_die(self, docs, embeddings):
        calls["n"] += 1
        if calls["n"] == 2:
            self.texts.put([d.id for d in docs], [d.text for d in docs])  # the first write of the pair lands
            raise KeyboardInterrupt("killed between the two writes")
        real_upsert(self, docs, embeddings)

    monkeypatch.setattr(Store, "upsert", upsert_then_die)
    with pytest.raises(KeyboardInterrupt):
        ingest(data_dir=small_data, settings=settings, embedder=CountingEmbedder(), batch_size=64, progress=False)
    monkeypatch.setattr(Store, "upsert", real_upsert)
    report = ingest(data_dir=small_data, settings=settings, embedder=CountingEmbedder(), batch_size=64, progress=False)
    store = open_index(settings, CountingEmbedder(), create=False)
    got = store.get()
    assert store.count() == report.documents and all(got["documents"])


def test_collections_made_before_the_text_table_still_read_their_texts(tmp_path):
    """An index built by an earlier version (texts inside Chroma) is read as it is, with no migration."""
    import chromadb

    from recruta.ingest.store import Store

    client = chromadb.PersistentClient(path=str(tmp_path / "old"))
    old = client.get_or_create_collection(
        "decision-old", embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
    )
    old.add(
        ids=["a", "b"],
        embeddings=np.eye(2, 8, dtype=np.float32),
        documents=["texto a", "texto b"],
        metadatas=[{"type": "vaga"}, {"type": "vaga"}],
    )
    store = Store(client, "decision-old", create=False)
    assert store.texts is None
    assert store.query(np.eye(1, 8, dtype=np.float32)[0], k=1)[0].text == "texto a"
    assert store.get(ids=["b"])["documents"] == ["texto b"]


def _index_contents(settings):
    """Everything an index holds: ids, texts, metadata and vectors (Chroma), and the text table's rows."""
    store = open_index(settings, CountingEmbedder(), create=False)
    got = store.get(include_embeddings=True)
    order = np.argsort(got["ids"])
    chroma = (
        [got["ids"][n] for n in order],
        [got["documents"][n] for n in order],
        [got["metadatas"][n] for n in order],
        np.asarray(got["embeddings"], dtype=np.float32)[order].tolist(),  # compared exactly
    )
    db = store.texts._db
    table = (
        db.execute("SELECT id, text FROM texts ORDER BY id").fetchall(),
        db.execute("SELECT id, meta FROM lex_rows ORDER BY id").fetchall(),
        db.execute("SELECT r.id, lex.text FROM lex JOIN lex_rows r ON r.n = lex.rowid ORDER BY r.id").fetchall(),
    )
    return chroma, table


def test_overlapped_writes_build_the_same_index_as_sequential_ones(small_data, settings, tmp_path):
    """Writing in a writer thread beside the embedding changes nothing in the index: same ids, texts, metadata,
    vectors and text-table rows (small batches, so many writes overlap)."""
    sequential = settings.model_copy(update={"home": tmp_path / "sequential"})
    overlapped = settings.model_copy(update={"home": tmp_path / "overlapped"})
    runs = [
        ingest(data_dir=small_data, settings=s, embedder=CountingEmbedder(), batch_size=32, progress=False, overlap=o)
        for s, o in ((sequential, False), (overlapped, True))
    ]
    assert runs[0].documents == runs[1].documents == runs[1].embedded > 10 * 32
    (ids, texts, metas, vectors), table = _index_contents(sequential)
    (ids2, texts2, metas2, vectors2), table2 = _index_contents(overlapped)
    assert ids == ids2 and len(ids) == runs[0].documents
    assert texts == texts2 and all(texts)
    assert metas == metas2
    assert vectors == vectors2
    assert table == table2 and len(table[2]) == len(ids)


def test_a_failed_write_in_the_writer_thread_stops_the_run_and_a_rerun_completes(
    small_data, settings, tmp_path, monkeypatch
):
    """The writer's error surfaces in the main thread, which stops embedding; the text table and Chroma hold the
    same batches, and a re-run writes the rest: the index equals a clean run's."""
    from recruta.ingest.store import Store, StoreUnavailable

    real_upsert = Store.upsert
    writes = {"n": 0}

    def fail_third(self, docs, embeddings):
        writes["n"] += 1
        if writes["n"] == 3:
            raise StoreUnavailable("disk full (simulated)")
        real_upsert(self, docs, embeddings)

    monkeypatch.setattr(Store, "upsert", fail_third)
    emb = CountingEmbedder()
    with pytest.raises(StoreUnavailable, match="simulated"):
        ingest(data_dir=small_data, settings=settings, embedder=emb, batch_size=32, progress=False, overlap=True)
    store = open_index(settings, emb, create=False)
    assert store.count() == 2 * 32  # the two batches written before the failure, nothing after it
    assert store.texts.counts() == (2 * 32, 2 * 32)  # text table and Chroma agree
    monkeypatch.setattr(Store, "upsert", real_upsert)
    rerun = ingest(data_dir=small_data, settings=settings, embedder=CountingEmbedder(), batch_size=32, progress=False)
    # The run stopped: past the failed batch, at most one queued, one waiting to be queued and one in hand.
    assert emb.calls <= 3 + 3 < rerun.documents / 32
    assert rerun.unchanged == 2 * 32 and rerun.embedded == rerun.documents - 2 * 32
    clean = settings.model_copy(update={"home": tmp_path / "clean"})
    ingest(data_dir=small_data, settings=clean, embedder=CountingEmbedder(), progress=False, overlap=False)
    assert _index_contents(settings) == _index_contents(clean)


def test_an_error_in_the_main_thread_writes_the_queued_batches_first(small_data, settings):
    """Killed while embedding batch 3 with overlap on: the two batches already embedded are written (as in the
    sequential path) before the error propagates."""
    with pytest.raises(KeyboardInterrupt):
        ingest(
            data_dir=small_data,
            settings=settings,
            embedder=CountingEmbedder(fail_after=2),
            batch_size=64,
            progress=False,
            overlap=True,
        )
    store = open_index(settings, CountingEmbedder(), create=False)
    assert store.count() == 2 * 64 and store.texts.counts() == (2 * 64, 2 * 64)


def test_cli_overlap_flag_and_setting(small_data, tmp_path, monkeypatch, capsys):
    from recruta.core import settings as settings_mod

    monkeypatch.setenv("RECRUTA_HOME", str(tmp_path / "h"))
    settings_mod.get_settings.cache_clear()
    assert settings_mod.get_settings().ingest_overlap is True  # the shipped default
    assert main(["--data-dir", str(small_data), "--embedder", "hash", "--quiet", "--no-overlap"]) == 0
    assert "writes overlapped" not in capsys.readouterr().out
    monkeypatch.setenv("RECRUTA_HOME", str(tmp_path / "h2"))
    settings_mod.get_settings.cache_clear()
    assert main(["--data-dir", str(small_data), "--embedder", "hash", "--quiet"]) == 0
    assert "writes overlapped" in capsys.readouterr().out
    monkeypatch.setenv("RECRUTA_HOME", str(tmp_path / "h3"))
    monkeypatch.setenv("RECRUTA_INGEST_OVERLAP", "false")
    settings_mod.get_settings.cache_clear()
    assert main(["--data-dir", str(small_data), "--embedder", "hash", "--quiet"]) == 0
    assert "writes overlapped" not in capsys.readouterr().out
    settings_mod.get_settings.cache_clear()


class _RecordingBar:
    """Stands in for tqdm: what the ingestion told its progress bar (every total it was given, and the count)."""

    made: list["_RecordingBar"] = []

    def __init__(self, *, total: int | None = None, disable: bool = False, **kw) -> None:
        self.n, self.disable, self.totals, self.short = 0, disable, [total], False
        self.made.append(self)

    @property
    def total(self) -> int | None:
        return self.totals[-1]

    @total.setter
    def total(self, value: int | None) -> None:
        self.totals.append(value)

    def update(self, n: int) -> None:
        self.n += n
        self.short |= self.total is None or self.n > self.total  # the bar ran past its total: no percentage

    def set_postfix(self, **kw) -> None:
        return None

    def refresh(self) -> None:
        return None

    def close(self) -> None:
        return None


def test_progress_bar_has_a_total_so_it_shows_percentage_and_time_left(small_data, settings, monkeypatch):
    import ingestion

    _RecordingBar.made = []
    monkeypatch.setattr(ingestion, "tqdm", _RecordingBar)
    report = ingest(data_dir=small_data, settings=settings, embedder=CountingEmbedder(), progress=True, batch_size=64)
    (bar,) = _RecordingBar.made
    assert set(bar.totals) == {report.documents} == {bar.n}  # small data: every record sampled, exact from the start
    again = ingest(data_dir=small_data, settings=settings, embedder=CountingEmbedder(), progress=True)
    assert again.unchanged == _RecordingBar.made[-1].totals[0] == _RecordingBar.made[-1].n  # unchanged ones count


def test_a_sampled_estimate_is_refined_as_documents_are_built_and_ends_exact(small_data, settings, monkeypatch):
    import functools

    import ingestion
    from recruta.ingest.documents import estimate_documents

    _RecordingBar.made = []
    monkeypatch.setattr(ingestion, "tqdm", _RecordingBar)
    monkeypatch.setattr(ingestion, "estimate_documents", functools.partial(estimate_documents, sample=7))
    report = ingest(data_dir=small_data, settings=settings, embedder=CountingEmbedder(), progress=True, batch_size=32)
    (bar,) = _RecordingBar.made
    assert bar.totals[0] != report.documents  # 7 of 30 vagas and 80 applicants: an estimate
    assert abs(bar.totals[0] - report.documents) <= 0.1 * report.documents
    assert not bar.short  # never counted past its total
    assert bar.totals[-1] == bar.n == report.documents


def test_estimated_documents_from_a_sample_is_close_and_exact_when_all_are_sampled(small_data, settings):
    from collections import Counter

    from recruta.core.settings import DEFAULT_HIRED
    from recruta.ingest.documents import build_documents, estimate_documents
    from recruta.ingest.loaders import load_dataset

    ds = load_dataset(small_data, hired_statuses=DEFAULT_HIRED)
    sizes = {"chunk_size": settings.chunk_size, "chunk_overlap": settings.chunk_overlap}
    exact = Counter(str(d.metadata["type"]) for d in build_documents(ds, **sizes))
    assert estimate_documents(ds, **sizes, sample=max(len(ds.vagas), len(ds.applicants))) == exact
    estimate = estimate_documents(ds, **sizes, sample=10)  # 10 of 30 vagas and of 80 applicants
    assert estimate["prospect"] == exact["prospect"]  # one per application, duplicates dropped: always exact
    for kind in ("vaga", "candidato"):
        assert abs(estimate[kind] - exact[kind]) <= 0.1 * exact[kind]
