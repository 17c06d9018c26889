import json

import pytest

from recruta.core.settings import DEFAULT_HIRED
from recruta.ingest.loaders import DataFileError, load_dataset
from tests.conftest import DECISION, needs_shared


def write(folder, **files):
    for name, obj in files.items():
        (folder / f"{name}.json").write_text(json.dumps(obj, ensure_ascii=False) if not isinstance(obj, str) else obj)


@needs_shared
def test_real_files_load_with_their_quirks():
    ds = load_dataset(DECISION, hired_statuses=DEFAULT_HIRED)
    assert (len(ds.vagas), len(ds.applicants), len(ds.prospects)) == (300, 500, 500)
    assert ds.skipped == [] and ds.missing_files == []
    assert len(ds.applications) == 1936
    assert sum(a.hired for a in ds.applications) == 68 + 7 + 1  # Contratado pela Decision, Aprovado, Hunting
    levels = {v.perfil_vaga.nivel_profissional for v in ds.vagas.values()}  # the key with a space
    assert "Sênior" in levels
    statuses = {a.prospect.situacao_candidado for a in ds.applications}  # full status kept
    assert "Não Aprovado pelo Cliente" in statuses


def test_missing_files_and_malformed_records_are_reported_not_fatal(tmp_path):
    write(
        tmp_path,
        vagas={
            "1": {"informacoes_basicas": {"titulo_vaga": "Dev"}, "perfil_vaga": {"nivel profissional": "Pleno"}},
            "2": {"informacoes_basicas": {"titulo_vaga": {"nested": "wrong"}}},
            "3": ["not", "an", "object"],
            "4": {},
        },
        prospects={
            "1": {
                "titulo": "Dev",
                "prospects": [
                    {"nome": "Ana", "codigo": "10", "situacao_candidado": "Contratado pela Decision"},
                    {"nome": "Sem código"},
                    "garbage",
                ],
            }
        },
    )
    ds = load_dataset(tmp_path, hired_statuses=DEFAULT_HIRED)
    assert ds.missing_files == ["applicants.json"]
    assert set(ds.vagas) == {"1", "4"}
    assert ds.vagas["1"].perfil_vaga.nivel_profissional == "Pleno"
    reasons = {(s.file, s.record_id) for s in ds.skipped}
    assert reasons == {("vagas.json", "2"), ("vagas.json", "3"), ("prospects.json", "1/1"), ("prospects.json", "1/2")}
    assert all(s.reason for s in ds.skipped)
    assert [a.hired for a in ds.applications] == [True]


def test_hired_statuses_are_configurable(tmp_path):
    write(tmp_path, prospects={"1": {"prospects": [{"codigo": "1", "situacao_candidado": "Aprovado"}]}})
    assert load_dataset(tmp_path, hired_statuses=DEFAULT_HIRED).applications[0].hired
    assert not load_dataset(tmp_path, hired_statuses=["Contratado pela Decision"]).applications[0].hired


def test_truncated_file_is_an_error_with_byte_position(tmp_path):
    write(tmp_path, vagas='{"1": {"informacoes_basicas": {"titulo_vaga": "Dév"}}, "2": {"inf')
    with pytest.raises(DataFileError) as err:
        load_dataset(tmp_path, hired_statuses=DEFAULT_HIRED)
    assert err.value.position is not None and err.value.position > 40
    assert "byte" in str(err.value)


def test_top_level_must_be_an_object(tmp_path):
    write(tmp_path, vagas=[1, 2])
    with pytest.raises(DataFileError, match="expected a JSON object"):
        load_dataset(tmp_path, hired_statuses=DEFAULT_HIRED)
