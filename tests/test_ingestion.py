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


def test_report_times_every_stage(small_data, settings):
    report = ingest(data_dir=small_data, settings=settings, embedder=CountingEmbedder(), progress=False)
    stages = report.stage_seconds
    assert list(stages) == ["load", "documents", "lookup", "embed", "write"]
    assert all(v > 0 for v in stages.values())
    assert sum(stages.values()) <= report.seconds
    assert "documents" in report.summary() and "embed" in report.summary()


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
