"""deploy/: the compose file and the Kubernetes manifests agree with bentofile.yaml, requirements.txt and the
settings — images, ports, environment variables, secrets. There is no Docker engine or cluster here, so they are
parsed and cross-checked, not run; a renamed setting, a bumped version or a moved port fails here instead.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from recruta.core.db import database_url
from recruta.core.settings import Settings
from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
BENTO_PORT = 3000  # what `bentoml serve` and the containerized Bento listen on (the image EXPOSEs it)
# Variables a container may carry that are not RECRUTA_ settings.
OTHER_ENV = {"MLFLOW_TRACKING_URI", "ANONYMIZED_TELEMETRY", "POSTGRES_USER", "POSTGRES_DB", "POSTGRES_PASSWORD"}


def load(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def pins(lines: list[str]) -> dict[str, str]:
    """``name==version`` pins (extras dropped, names normalised)."""
    out = {}
    for line in lines:
        m = re.match(r"^\s*([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==([^\s#;]+)", line)
        if m:
            out[m.group(1).lower().replace("_", "-")] = m.group(2)
    return out


BENTOFILE = yaml.safe_load((ROOT / "bentofile.yaml").read_text())
REQUIREMENTS = pins((ROOT / "requirements.txt").read_text().splitlines())
BENTO_PINS = pins(BENTOFILE["python"]["packages"])
COMPOSE = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
SERVICES = COMPOSE["services"]
MANIFESTS = {
    (d["kind"], d["metadata"]["name"]): d
    for p in sorted(K8S.glob("*.yaml"))
    for d in load(p)
    if "kind" in d and d["kind"] != "Kustomization"
}


def image(ref: str) -> tuple[str, str]:
    """``registry/name:tag`` → (name, tag)."""
    name, _, tag = ref.rpartition(":") if ":" in ref.rsplit("/", 1)[-1] else (ref, "", "latest")
    return name.rsplit("/", 1)[-1], tag


def resolved(value: str) -> str:
    """A compose value with its ``${VAR:?message}`` references filled in (so it parses as a URL)."""
    return re.sub(r"\$\{[^}]*\}", "secret", value)


def check_env_names(names: set[str]) -> None:
    """Every RECRUTA_ variable is a setting (a typo would be silently ignored: extra="ignore")."""
    settings = {f"RECRUTA_{field.upper()}" for field in Settings.model_fields}
    unknown = {n for n in names if n.startswith("RECRUTA_")} - settings
    assert not unknown, f"not settings: {unknown}"
    assert not {n for n in names if not n.startswith("RECRUTA_")} - OTHER_ENV


# --------------------------------------------------------------------------- versions
def test_bentofile_and_requirements_pin_the_same_versions() -> None:
    shared = BENTO_PINS.keys() & REQUIREMENTS.keys()
    assert {
        "bentoml",
        "mlflow",
        "chromadb",
        "alembic",
        "psycopg",
        "openvino",
        "openvino-genai",
        "threadpoolctl",
    } <= shared  # serving needs them
    assert {k: BENTO_PINS[k] for k in shared} == {k: REQUIREMENTS[k] for k in shared}


def test_bentofile_ships_what_the_image_needs_and_no_checkout_state() -> None:
    include = BENTOFILE["include"]
    assert {"service.py", "model.py", "ingestion.py", "recruta/**"} <= set(include)
    for pattern in BENTOFILE["exclude"]:  # unanchored "data/" would drop recruta/facts/data/
        assert pattern.startswith("/") or pattern in ("__pycache__/", "*.pyc"), pattern


# --------------------------------------------------------------------------- compose
def test_compose_images_match_the_pinned_versions() -> None:
    assert image(SERVICES["recruta"]["image"])[0] == BENTOFILE["name"]
    assert image(SERVICES["ingest"]["image"]) == image(SERVICES["recruta"]["image"])
    assert image(SERVICES["chroma"]["image"]) == ("chroma", REQUIREMENTS["chromadb"])
    mlflow_from = (DEPLOY / SERVICES["mlflow"]["build"]["dockerfile"]).read_text()
    assert f"ghcr.io/mlflow/mlflow:v{REQUIREMENTS['mlflow']}\n" in mlflow_from
    assert image(SERVICES["mlflow"]["image"])[1] == REQUIREMENTS["mlflow"]
    assert SERVICES["postgres"]["image"] == SERVICES["mlflow-db"]["image"] == "postgres:15"


def test_compose_services_find_each_other() -> None:
    env = SERVICES["recruta"]["environment"]
    check_env_names(set(env) | set(SERVICES["ingest"]["environment"]))
    assert SERVICES["recruta"]["ports"] == [f"{BENTO_PORT}:{BENTO_PORT}"]
    assert f"http://127.0.0.1:{BENTO_PORT}/readyz" in " ".join(SERVICES["recruta"]["healthcheck"]["test"])
    # Chroma: the service name and the port its image listens on (its /config.yaml); the same for ingestion.
    for name in ("recruta", "ingest"):
        e = SERVICES[name]["environment"]
        assert e["RECRUTA_CHROMA_HOST"] in SERVICES and int(e["RECRUTA_CHROMA_PORT"]) == 8000
        assert e["MLFLOW_TRACKING_URI"] == env["MLFLOW_TRACKING_URI"]
    assert "chroma-data:/data" in SERVICES["chroma"]["volumes"]
    # The recruiter database: host, user, database and password variable of the postgres service.
    url = urlsplit(database_url(Path("/unused"), resolved(env["RECRUTA_DATABASE_URL"])))
    pg = SERVICES["postgres"]["environment"]
    assert url.scheme == "postgresql+psycopg" and url.hostname == "postgres" and url.port == 5432
    assert url.username == pg["POSTGRES_USER"] and url.path == f"/{pg['POSTGRES_DB']}"
    assert "${POSTGRES_PASSWORD" in env["RECRUTA_DATABASE_URL"] and "${POSTGRES_PASSWORD" in pg["POSTGRES_PASSWORD"]
    assert SERVICES["recruta"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    # MLflow: the URI the Bento is given is the server's name and --port; its store is the mlflow-db service.
    mlflow = urlsplit(env["MLFLOW_TRACKING_URI"])
    command = SERVICES["mlflow"]["command"]
    assert mlflow.hostname == "mlflow" and str(mlflow.port) == command[command.index("--port") + 1]
    assert mlflow.hostname in command[command.index("--allowed-hosts") + 1].split(",")
    store = urlsplit(resolved(command[command.index("--backend-store-uri") + 1]))
    mdb = SERVICES["mlflow-db"]["environment"]
    assert store.hostname == "mlflow-db" and store.username == mdb["POSTGRES_USER"]
    assert store.path == f"/{mdb['POSTGRES_DB']}"


def test_compose_ingests_with_the_image_s_own_code() -> None:
    ingest = SERVICES["ingest"]
    src = Path(ingest["working_dir"])
    assert src == Path("/home/bentoml/bento/src")  # BentoML's BENTO_PATH + src/
    assert ingest["command"][:2] == ["python", "ingestion.py"] and "ingestion.py" in BENTOFILE["include"]


def test_compose_holds_no_secret() -> None:
    text = (DEPLOY / "compose.yaml").read_text()
    for var in ("POSTGRES_PASSWORD", "MLFLOW_DB_PASSWORD"):
        assert re.search(r"\$\{" + var + r":\?", text), var  # required from the environment, never written here
    assert not re.search(r"://[^:/\s]+:(?!\$\{)[^@\s]+@", text)  # no literal password in any URL


# --------------------------------------------------------------------------- Kubernetes
def container(kind: str, name: str) -> dict[str, Any]:
    spec = MANIFESTS[(kind, name)]["spec"]["template"]["spec"]
    return dict(spec["containers"][0])


def test_k8s_deployment_and_service_agree_with_the_bento() -> None:
    deployment = MANIFESTS[("Deployment", "recruta")]
    c = container("Deployment", "recruta")
    assert image(c["image"])[0] == BENTOFILE["name"]
    http = {p["name"]: p["containerPort"] for p in c["ports"]}
    assert http == {"http": BENTO_PORT}
    assert c["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert c["livenessProbe"]["httpGet"]["path"] == "/livez"
    assert (
        deployment["spec"]["replicas"] >= 2 and deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    )
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    service = MANIFESTS[("Service", "recruta")]["spec"]
    assert service["selector"].items() <= labels.items()
    assert [p["targetPort"] for p in service["ports"]] == ["http"]


def test_k8s_environment_is_settings_and_secrets_exist() -> None:
    config = MANIFESTS[("ConfigMap", "recruta-config")]["data"]
    secret = MANIFESTS[("Secret", "recruta-secrets")]["stringData"]
    check_env_names(set(config) | set(secret))
    assert int(config["RECRUTA_CHROMA_PORT"]) == 8000 and config["RECRUTA_CHROMA_HOST"]
    defaults = Settings(home=Path("/unused"))
    # the collection the Bento reads is the one ingestion writes: same settings, the champion's defaults
    assert config["RECRUTA_EMBEDDER"] == defaults.embedder
    assert config["RECRUTA_EMBEDDER_BACKEND"] == defaults.embedder_backend
    assert int(config["RECRUTA_CHUNK_SIZE"]) == defaults.chunk_size
    c = container("Deployment", "recruta")
    refs = [e["valueFrom"]["secretKeyRef"] for e in c["env"] if "valueFrom" in e]
    assert {r["key"] for r in refs} == set(secret) and {r["name"] for r in refs} == {"recruta-secrets"}
    assert all(e["name"] == e["valueFrom"]["secretKeyRef"]["key"] for e in c["env"] if "valueFrom" in e)
    check_env_names({e["name"] for e in c["env"]})
    assert c["envFrom"] == [{"configMapRef": {"name": "recruta-config"}}]
    # placeholders only: no key is ever committed
    assert all(v in ("", "CHANGE-ME") or "CHANGE-ME" in v for v in secret.values())
    url = urlsplit(database_url(Path("/unused"), secret["RECRUTA_DATABASE_URL"]))
    assert url.scheme == "postgresql+psycopg" and url.password == "CHANGE-ME"


def test_k8s_rayjob_ingests_into_the_chroma_the_bento_reads() -> None:
    job = MANIFESTS[("RayJob", "recruta-ingest")]
    assert job["apiVersion"] == "ray.io/v1"
    spec = job["spec"]
    assert re.fullmatch(r"python \S*/ingestion\.py --data-dir /data --ray auto", spec["entrypoint"])
    cluster = spec["rayClusterSpec"]
    head = cluster["headGroupSpec"]["template"]["spec"]
    workers = [g["template"]["spec"] for g in cluster["workerGroupSpecs"]]
    images = {s["containers"][0]["image"] for s in [head, *workers]}
    assert len(images) == 1
    dockerfile = (DEPLOY / "ingest.Dockerfile").read_text()
    python = BENTOFILE["docker"]["python_version"].replace(".", "")
    assert f"FROM rayproject/ray:{cluster['rayVersion']}-py{python}-cpu\n" in dockerfile
    if "ray" in REQUIREMENTS:  # the ray[data] pin comes with the distributed ingestion (recruta/ingest/distributed.py)
        assert cluster["rayVersion"] == REQUIREMENTS["ray"]
    for pod in [head, *workers]:
        assert pod["containers"][0]["envFrom"] == [{"configMapRef": {"name": "recruta-config"}}]
    config = MANIFESTS[("ConfigMap", "recruta-config")]["data"]
    assert {m["mountPath"] for m in head["containers"][0]["volumeMounts"]} == {"/data", config["RECRUTA_RECORDS_DIR"]}
    for group in cluster["workerGroupSpecs"]:
        assert group["groupName"] and group["minReplicas"] <= group["replicas"] <= group["maxReplicas"]


def claims(pod: dict[str, Any]) -> dict[str, tuple[str, bool]]:
    """A pod spec's first container's mounts of persistent volume claims: mount path → (claim, read-only)."""
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    return {
        m["mountPath"]: (volumes[m["name"]]["persistentVolumeClaim"]["claimName"], bool(m.get("readOnly")))
        for m in pod["containers"][0].get("volumeMounts", [])
        if "persistentVolumeClaim" in volumes[m["name"]]
    }


class _ServerStore:
    """What ``table_path`` asks of a store on a Chroma server: its name, and a client with no local folder."""

    name = "decision-minilm-c800"
    client = None


def records_folder_of(env: dict[str, str]) -> Path:
    """The folder ``ingestion.py`` (and ``--ray``) writes a Chroma server's records table to, and the Bento reads it
    from, with the given environment."""
    from recruta.answer.table import table_path

    settings = Settings(home=Path("/home/unused"), chroma_host="chroma", records_dir=env.get("RECRUTA_RECORDS_DIR"))
    return table_path(_ServerStore(), settings=settings).parent  # type: ignore[arg-type]


def test_k8s_records_table_is_on_a_volume_the_rayjob_writes_and_the_bento_reads() -> None:
    """The RayJob builds the planner's records table on its head (the driver's node) in RECRUTA_RECORDS_DIR; the Bento
    replicas load it from there at start-up. Both mount the same claim at that folder (the job writable), so the
    table outlives the job's pods; ReadWriteMany, as the replicas run on other nodes than the job's head."""
    config = MANIFESTS[("ConfigMap", "recruta-config")]["data"]
    folder = records_folder_of(config)
    assert folder == Path(config["RECRUTA_RECORDS_DIR"]) and not folder.is_relative_to("/home/unused")
    job = MANIFESTS[("RayJob", "recruta-ingest")]["spec"]["rayClusterSpec"]
    head = claims(job["headGroupSpec"]["template"]["spec"])
    bento = claims(MANIFESTS[("Deployment", "recruta")]["spec"]["template"]["spec"])
    claim, read_only = head[str(folder)]
    assert not read_only and bento[str(folder)][0] == claim
    pvc = MANIFESTS[("PersistentVolumeClaim", claim)]["spec"]
    assert "ReadWriteMany" in pvc["accessModes"] and pvc["resources"]["requests"]["storage"]
    assert head["/data"] == ("decision-data", True)


def test_compose_records_table_is_on_a_volume_ingest_writes_and_the_bento_reads() -> None:
    folders = {name: records_folder_of(SERVICES[name]["environment"]) for name in ("recruta", "ingest")}
    assert folders["recruta"] == folders["ingest"] == Path(SERVICES["recruta"]["environment"]["RECRUTA_RECORDS_DIR"])
    mounts = {
        name: {v.split(":")[1]: (v.split(":")[0], v.endswith(":ro")) for v in SERVICES[name]["volumes"]}
        for name in ("recruta", "ingest")
    }
    volume, read_only = mounts["ingest"][str(folders["ingest"])]
    assert not read_only and mounts["recruta"][str(folders["recruta"])][0] == volume and volume in COMPOSE["volumes"]


def test_kustomization_lists_every_manifest() -> None:
    listed = set(yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"])
    assert listed == {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}


@pytest.mark.parametrize("path", sorted(p.relative_to(ROOT).as_posix() for p in DEPLOY.rglob("*.yaml")))
def test_every_manifest_parses(path: str) -> None:
    assert load(ROOT / path)
