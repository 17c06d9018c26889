"""Tests of the synthetic Decision data generator (devtools.sample)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from devtools import sample
from devtools.sample import HIRE_STATUSES, SCALES, STATUS_MIX, cpf_is_valid, generate

REAL_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "decision"
FILES = ("vagas.json", "applicants.json", "prospects.json")
SMALL = {"n_vagas": 20, "n_applicants": 60, "n_prospects": 150, "cv_chars": 800}
# Big enough for the rare key variants (nome_substituto, download_cv...) to show up, still fast.
MEDIUM = {"n_vagas": 300, "n_applicants": 700, "n_prospects": 1500, "cv_chars": 400}


def _load(folder: Path) -> dict[str, dict[str, Any]]:
    return {name: json.loads((folder / name).read_text(encoding="utf-8")) for name in FILES}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("small")
    return out, generate(out, **SMALL)


@pytest.fixture(scope="module")
def medium(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, dict[str, Any]], dict[str, int]]:
    out = tmp_path_factory.mktemp("medium")
    counts = generate(out, **MEDIUM)
    return _load(out), counts


def test_same_arguments_give_byte_identical_files(small: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    first, counts = small
    again = generate(tmp_path / "again", **SMALL)
    assert again == counts
    for name in FILES:
        assert (first / name).read_bytes() == (tmp_path / "again" / name).read_bytes(), name
    generate(tmp_path / "other", **SMALL, seed=7)
    assert (first / "applicants.json").read_bytes() != (tmp_path / "other" / "applicants.json").read_bytes()


def test_counts_match_files(small: tuple[Path, dict[str, int]]) -> None:
    folder, counts = small
    data = _load(folder)
    assert counts["vagas"] == len(data["vagas.json"]) == SMALL["n_vagas"]
    assert counts["applicants"] == len(data["applicants.json"]) == SMALL["n_applicants"]
    rows = [p for v in data["prospects.json"].values() for p in v["prospects"]]
    assert counts["prospects"] == len(rows) == SMALL["n_prospects"]
    assert counts["hires"] == sum(p["situacao_candidado"] in HIRE_STATUSES for p in rows)


def test_files_are_indent1_utf8_json(small: tuple[Path, dict[str, int]]) -> None:
    folder, _ = small
    for name in FILES:
        text = (folder / name).read_text(encoding="utf-8")
        assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=1)
    assert "ç" in (folder / "vagas.json").read_text(encoding="utf-8")  # not \u-escaped


def test_ids_and_join(medium: tuple[dict[str, dict[str, Any]], dict[str, int]]) -> None:
    data, _ = medium
    vagas, apps, prospects = data["vagas.json"], data["applicants.json"], data["prospects.json"]
    assert min(map(int, vagas)) == sample.VAGA_ID_START
    assert min(map(int, apps)) == sample.APPLICANT_ID_START
    assert set(prospects) <= set(vagas)
    for vid, entry in prospects.items():
        assert entry["titulo"] == vagas[vid]["informacoes_basicas"]["titulo_vaga"]
        codes = [p["codigo"] for p in entry["prospects"]]
        assert len(codes) == len(set(codes))
        for p in entry["prospects"]:
            assert p["nome"] == apps[p["codigo"]]["infos_basicas"]["nome"]
            assert re.fullmatch(r"\d{2}-\d{2}-\d{4}", p["data_candidatura"])
            assert re.fullmatch(r"\d{2}-\d{2}-\d{4}", p["ultima_atualizacao"])
    for code, app in apps.items():
        assert app["infos_basicas"]["codigo_profissional"] == code
        assert app["cargo_atual"] == {}
        assert re.fullmatch(r"\d{2}-\d{2}-\d{4} \d{2}:\d{2}:\d{2}", app["infos_basicas"]["data_criacao"])


def _key_variants(records: dict[str, Any], section: str | None) -> set[tuple[str, ...]]:
    return {tuple(r if section is None else r[section]) for r in records.values()}


SECTIONS = {
    "vagas.json": (None, "informacoes_basicas", "perfil_vaga", "beneficios"),
    "applicants.json": (
        None,
        "infos_basicas",
        "informacoes_pessoais",
        "informacoes_profissionais",
        "formacao_e_idiomas",
        "cargo_atual",
    ),
    "prospects.json": (None,),
}


@pytest.mark.skipif(not REAL_DIR.is_dir(), reason="real Decision files not available")
def test_schema_matches_real_files(medium: tuple[dict[str, dict[str, Any]], dict[str, int]]) -> None:
    data, _ = medium
    real = _load(REAL_DIR)
    for name, sections in SECTIONS.items():
        for section in sections:
            got, want = _key_variants(data[name], section), _key_variants(real[name], section)
            assert got <= want, (name, section, got - want)  # same keys in the same order
            assert set().union(*got) == set().union(*want), (name, section)
    got_rows = {tuple(p) for v in data["prospects.json"].values() for p in v["prospects"]}
    want_rows = {tuple(p) for v in real["prospects.json"].values() for p in v["prospects"]}
    assert got_rows == want_rows
    assert "nivel profissional" in next(iter(data["vagas.json"].values()))["perfil_vaga"]


def test_outcome_mix(medium: tuple[dict[str, dict[str, Any]], dict[str, int]]) -> None:
    data, _ = medium
    rows = [p for v in data["prospects.json"].values() for p in v["prospects"]]
    mix = Counter(p["situacao_candidado"] for p in rows)
    assert set(mix) <= set(STATUS_MIX)
    assert any(mix[s] for s in HIRE_STATUSES)
    assert mix["Não Aprovado pelo Cliente"] and mix["Não Aprovado pelo RH"]
    assert mix.most_common(2)[0][0] == "Prospect"
    assert 0.35 < mix["Prospect"] / len(rows) < 0.46
    assert 0.04 < sum(mix[s] for s in HIRE_STATUSES) / len(rows) < 0.08
    for entry in data["prospects.json"].values():
        assert sum(p["situacao_candidado"] in HIRE_STATUSES for p in entry["prospects"]) <= 2
    assert sum(1 for p in rows if p["comentario"]) > 0.2 * len(rows)
    assert sum(1 for p in rows if not p["comentario"]) > 0.4 * len(rows)


def test_hires_follow_skill_match(medium: tuple[dict[str, dict[str, Any]], dict[str, int]]) -> None:
    data, _ = medium
    vagas, apps = data["vagas.json"], data["applicants.json"]
    scored = []
    for vid, entry in data["prospects.json"].items():
        wanted = vagas[vid]["perfil_vaga"]["competencia_tecnicas_e_comportamentais"].lower()
        for p in entry["prospects"]:
            cv = apps[p["codigo"]]["cv_pt"]
            skills = cv.strip().splitlines()[-1].split(", ") if cv else []  # the CV ends with its skills
            overlap = sum(1 for s in skills if s in wanted)
            scored.append((overlap, p["situacao_candidado"] in HIRE_STATUSES))
    scored.sort()
    half = len(scored) // 2
    low = sum(h for _, h in scored[:half]) / half
    high = sum(h for _, h in scored[half:]) / (len(scored) - half)
    assert high > 2 * low


def test_pii_present_in_personal_fields(medium: tuple[dict[str, dict[str, Any]], dict[str, int]]) -> None:
    data, _ = medium
    apps = list(data["applicants.json"].values())
    pessoais = [a["informacoes_pessoais"] for a in apps]
    assert all(re.fullmatch(r"[\w.]+@[\w.]+\.\w+", p["email"]) for p in pessoais)
    assert all(re.fullmatch(r"\(\d{2}\) 9\d{4}-\d{4}", p["telefone_celular"]) for p in pessoais)
    cpfs = [p["cpf"] for p in pessoais if p["cpf"]]
    assert len(cpfs) > 0.4 * len(apps)
    assert all(re.fullmatch(r"\d{3}\.\d{3}\.\d{3}-\d{2}", c) and cpf_is_valid(c) for c in cpfs)
    births = [p["data_nascimento"] for p in pessoais if p["data_nascimento"] != "0000-00-00"]
    assert births and all(re.fullmatch(r"\d{2}-\d{2}-(19|20)\d{2}", b) for b in births)
    assert any("linkedin.com/in/" in p["url_linkedin"] for p in pessoais)
    assert any(re.search(r"cep \d{5}-\d{3}", p["endereco"]) for p in pessoais)
    cv_pii = re.compile(
        r"e-mail: |cpf: |data de nascimento: |linkedin\.com/in/|cep \d{5}-\d{3}"
        r"|\(\d{2}\) 9\d{4}-\d{4}|\+55 "
    )
    with_pii = [a["cv_pt"] for a in apps if cv_pii.search(a["cv_pt"])]
    assert 0.08 < len(with_pii) / len(apps) < 0.25


def test_cpf_check_digits() -> None:
    assert cpf_is_valid("529.982.247-25")
    assert not cpf_is_valid("529.982.247-26")
    assert not cpf_is_valid("111.111.111-11")


def test_cv_length_follows_cv_chars(tmp_path: Path) -> None:
    generate(tmp_path, n_vagas=5, n_applicants=80, n_prospects=10, cv_chars=1600)
    cvs = [a["cv_pt"] for a in _load(tmp_path)["applicants.json"].values() if a["cv_pt"]]
    mean = sum(map(len, cvs)) / len(cvs)
    assert 1350 < mean < 1850
    assert all(cv == cv.lower() for cv in cvs)
    assert all("experiência" in cv or "experiências" in cv or "histórico profissional" in cv for cv in cvs)


def test_edge_cases(tmp_path: Path) -> None:
    assert generate(tmp_path / "empty", n_vagas=3, n_applicants=0, n_prospects=0)["prospects"] == 0
    assert _load(tmp_path / "empty")["applicants.json"] == {}
    with pytest.raises(ValueError):
        generate(tmp_path / "bad", n_vagas=0, n_applicants=5, n_prospects=3)
    with pytest.raises(ValueError):
        generate(tmp_path / "bad", n_vagas=2, n_applicants=3, n_prospects=7)  # > 2 x 3 distinct pairs


def test_scales_and_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert set(SCALES) == {"sample", "full"}
    assert SCALES["full"]["n_applicants"] > SCALES["sample"]["n_applicants"]
    assert sample.main(["--out", str(tmp_path), "--quiet", "--seed", "3"]) == 0
    assert "vagas=300 applicants=1000 prospects=3000" in capsys.readouterr().out
    assert all((tmp_path / name).is_file() for name in FILES)
