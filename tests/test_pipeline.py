"""experiment.py + register.py on a sqlite MLflow, with the fake embedder and generators."""

import json
from pathlib import Path

import mlflow
import pytest
from mlflow.tracking import MlflowClient

import experiment
import register
from recruta.core.settings import Settings


@pytest.fixture
def home(tmp_path, monkeypatch) -> Settings:
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.setenv("BENTOML_HOME", str(tmp_path / "home" / "bentoml"))
    return Settings(home=tmp_path / "home", embedder="hash", chunk_size=600)


def run(settings, small_data, configs=None, **kwargs):
    return experiment.run_grid(
        settings=settings, configs=configs or experiment.grid("test", settings), data_dir=small_data, limit=12, **kwargs
    )


def test_grid_logs_metrics_table_plots_and_model(home, small_data, tmp_path):
    phrasings = tmp_path / "phrasings.jsonl"  # recruiters' templates, as read from outside the project
    phrasings.write_text(
        '{"kind": "count", "lang": "en", "text": "How many openings does {cliente} have?"}\n'
        '{"kind": "hired", "lang": "pt", "text": "Quem ficou com a vaga {titulo}?"}\n'
    )
    results = run(home, small_data, phrasings=phrasings)
    assert len(results) == 2
    client = MlflowClient(home.mlflow_uri)
    for run_id, _name, _metrics in results:
        r = client.get_run(run_id)
        m = r.data.metrics
        for key in (
            "rouge1",
            "rouge2",
            "rougeL",
            "bleu",
            "hit_at_k",
            "mrr",
            "latency_p50_ms",
            "latency_p95_ms",
            "answer_accuracy",
            "false_hire_rate",
            "citation_precision",
            "citation_recall",
            "test_rougeL",
            "test_hit_at_k",
            "test_answer_accuracy",
            "unseen_answer_accuracy",
            "unseen_hit_at_k",
            "answer_accuracy/count",
            "test_n_questions",
            "unseen_answer_accuracy/count",
        ):
            assert key in m, key
        assert 0 <= m["rougeL"] <= 1 and 0 <= m["answer_accuracy"] <= 1 and 0 <= m["hit_at_k"] <= 1
        kinds = {k.split("/")[1] for k in m if k.startswith("answer_accuracy/")}
        assert len(kinds) >= 8  # the 12 dev questions cover the kinds in turn
        assert m["n_questions"] == 12 and sum(m[f"n_questions/{k}"] for k in kinds) == 12
        assert m["unseen_n_questions"] == 4  # 2 templates × 2 fills
        assert m.get("hit_at_k/by_id", 1.0) == 1.0  # a question naming its vaga is routed to it
        assert r.data.params["generator"] in ("extractive", "echo")
        arts = {a.path for a in client.list_artifacts(run_id)}
        assert {"predictions.json", "plots"} <= arts
        assert {"plots/accuracy_by_kind.png", "plots/rougeL_by_kind.png"} <= {
            a.path for a in client.list_artifacts(run_id, "plots")
        }
        local = mlflow.artifacts.download_artifacts(
            run_id=run_id, artifact_path="predictions.json", tracking_uri=home.mlflow_uri
        )
        table = json.loads(Path(local).read_text())
        cols = table["columns"]
        assert {"expected", "prediction", "correct", "verdict", "citation_precision", "split"} <= set(cols)
        splits = {row[cols.index("split")] for row in table["data"]}
        assert splits == {"dev", "test", "unseen"}
        assert mlflow.pyfunc.load_model(f"runs:/{run_id}/model") is not None
    parent = client.get_run(client.get_run(results[0][0]).data.tags["mlflow.parentRunId"])
    assert "comparison.json" in {a.path for a in client.list_artifacts(parent.info.run_id)}
    assert parent.data.params["n_dev"] == "12" and parent.data.params["n_unseen"] == "4"


def test_register_picks_best_is_idempotent_and_rolls_back(home, small_data):
    results = run(home, small_data)
    assert home.select_metric == "answer_accuracy"  # the default: what recruiters get right, not ROUGE
    best = max(results, key=lambda r: r[2][home.select_metric])  # ties: the earliest run, as register.py does
    first = register.register(settings=home)
    assert first.created and first.run_id == best[0] and first.version == "1"
    again = register.register(settings=home)
    assert not again.created and again.version == "1" and again.bento_tag == first.bento_tag
    assert register.champion_exists(home)

    # Promoting the other run makes it champion; the old one stays reachable as "previous".
    other = next(r for r in results if r[0] != best[0])
    second = register.register(settings=home, run_id=other[0])
    client = MlflowClient(home.mlflow_uri)
    assert second.created and second.version == "2"
    assert str(client.get_model_version_by_alias(home.model_name, "champion").version) == "2"
    assert str(client.get_model_version_by_alias(home.model_name, "previous").version) == "1"
    import bentoml

    assert bentoml.models.get(f"{home.model_name}:latest").info.labels["run_id"] == other[0]
    assert "v1" in register.rollback(settings=home)
    assert str(client.get_model_version_by_alias(home.model_name, "champion").version) == "1"

    latest = bentoml.models.get(f"{home.model_name}:latest")
    champion_now = client.get_model_version_by_alias(home.model_name, "champion")
    assert latest.info.metadata["registry_version"] == str(champion_now.version)
    assert "answer_accuracy" in latest.info.metadata["metrics"] and latest.info.metadata["params"]["generator"]


def test_register_errors_are_clear(home, small_data):
    with pytest.raises(register.RegistryError, match="experiment.py"):
        register.register(settings=home)
    run(home, small_data, configs=experiment.grid("test", home)[:1])
    with pytest.raises(register.RegistryError, match="available: .*answer_accuracy"):
        register.register(settings=home, metric="nope")
    client = MlflowClient(home.mlflow_uri)
    assert client.search_registered_models() == []  # nothing half-registered


def test_register_twice_at_once_makes_one_champion(home, small_data):
    import threading

    run(home, small_data)
    out = []
    threads = [threading.Thread(target=lambda: out.append(register.register(settings=home))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(c.created for c in out) == [False, True]
    versions = MlflowClient(home.mlflow_uri).search_model_versions(f"name='{home.model_name}'")
    assert len(versions) == 1


def test_experiment_logs_average_jd_rating_per_generator(home):
    from recruta.core.db import database_url, make_sessionmaker
    from recruta.jd.service import JDService

    service = JDService(sessionmaker=make_sessionmaker(database_url(home.home)), retrieve=None)
    jd = service.generate({"title": "Analista de Dados", "skills": ["SQL", "Power BI"]})
    service.feedback(jd["id"], rating=4)
    service.feedback(jd["id"], rating=2, comment="genérica demais")
    metrics = experiment.log_jd_ratings(home)
    assert metrics == {"jd_rating_mean/template": 3.0, "jd_rating_n/template": 2.0}
    client = MlflowClient(home.mlflow_uri)
    exp = client.get_experiment_by_name("recruta-jd")
    run = client.search_runs([exp.experiment_id])[0]
    assert run.data.metrics["jd_rating_mean/template"] == 3.0
