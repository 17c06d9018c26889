"""The answerer on a slice whose files do not join (like the real Decision slices): vagas known only from their
applications, requisition codes in titles, and people named in the applications under other codes than in the
applicants file. The sample is the project's generator's, with three prospects-only vagas added here."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from recruta.answer.answerer import Answerer
from recruta.answer.table import build_table
from recruta.core.settings import DEFAULT_HIRED
from recruta.ingest.loaders import load_dataset

EXTRA = {
    "9901": {
        "titulo": "2022-4471190-Oracle Retail Merchandising-Tech Lead",
        "modalidade": "",
        "prospects": [
            {
                "nome": "Heloá Quintanilha",
                "codigo": "99011",
                "situacao_candidado": "Contratado pela Decision",
                "data_candidatura": "03-02-2022",
                "ultima_atualizacao": "20-02-2022",
                "comentario": "",
                "recrutador": "Ana Teste",
            },
            {
                "nome": "Otávio Brum",
                "codigo": "99012",
                "situacao_candidado": "Não Aprovado pelo Cliente",
                "data_candidatura": "03-02-2022",
                "ultima_atualizacao": "15-02-2022",
                "comentario": "",
                "recrutador": "Ana Teste",
            },
        ],
    },
    "9902": {
        "titulo": "Analista Mainframe Cobol - 55512345",
        "modalidade": "",
        "prospects": [
            {
                "nome": "Otávio Brum",
                "codigo": "99021",
                "situacao_candidado": "Entrevista Técnica",
                "data_candidatura": "10-03-2022",
                "ultima_atualizacao": "11-03-2022",
                "comentario": "",
                "recrutador": "Ana Teste",
            }
        ],
    },
    "9904": {
        "titulo": "Application Support Analyst - 77700011",
        "modalidade": "",
        "prospects": [
            {
                "nome": "Otávio Brum",
                "codigo": "99041",
                "situacao_candidado": "Inscrito",
                "data_candidatura": "01-04-2022",
                "ultima_atualizacao": "01-04-2022",
                "comentario": "",
                "recrutador": "Ana Teste",
            }
        ],
    },
    "9905": {
        "titulo": "Recrutador Cloud",
        "modalidade": "",
        "prospects": [
            {
                "nome": "Jurema Falcão",
                "codigo": "99051",
                "situacao_candidado": "Contratado como Hunting",
                "data_candidatura": "02-05-2022",
                "ultima_atualizacao": "20-05-2022",
                "comentario": "",
                "recrutador": "Ana Teste",
            },
            {
                "nome": "Otávio Brum",
                "codigo": "99052",
                "situacao_candidado": "Desistiu",
                "data_candidatura": "02-05-2022",
                "ultima_atualizacao": "05-05-2022",
                "comentario": "",
                "recrutador": "Ana Teste",
            },
        ],
    },
    "9903": {
        "titulo": "Analista Mainframe Cobol - 55567890",
        "modalidade": "",
        "prospects": [
            {
                "nome": "Iracema Lobo Tavares",
                "codigo": "99032",
                "situacao_candidado": "Desistiu",
                "data_candidatura": "10-03-2022",
                "ultima_atualizacao": "12-03-2022",
                "comentario": "",
                "recrutador": "Ana Teste",
            },
            {
                "nome": "Iracema Tavares",
                "codigo": "99031",
                "situacao_candidado": "Contratado pela Decision",
                "data_candidatura": "10-03-2022",
                "ultima_atualizacao": "30-03-2022",
                "comentario": "",
                "recrutador": "Ana Teste",
            },
        ],
    },
}


@pytest.fixture(scope="module")
def answerer(small_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    folder = tmp_path_factory.mktemp("unjoined")
    for name in ("vagas.json", "applicants.json"):
        shutil.copy(small_data / name, folder / name)
    prospects = json.loads((small_data / "prospects.json").read_text())
    (folder / "prospects.json").write_text(json.dumps({**prospects, **EXTRA}, ensure_ascii=False))
    table = build_table(load_dataset(folder, hired_statuses=DEFAULT_HIRED), folder / "table.sqlite3")
    made = Answerer.load(table)
    assert made is not None
    return made


def test_a_vaga_known_only_from_its_applications_is_found_by_its_requisition_code(answerer: Answerer) -> None:
    got = answerer.answer("Quem ficou com a posição 2022-4471190 Oracle Retail Merchandising Tech Lead?", lang="pt")
    assert got is not None and got.plan.intent == "vaga_hires"
    assert "Heloá Quintanilha" in got.text and "Otávio Brum" not in got.text
    # the year inside the code is no filter on the hire's date
    assert got.plan.filters.year is None


def test_the_code_alone_tells_two_vagas_of_one_title_apart(answerer: Answerer) -> None:
    got = answerer.answer("Who was hired for Analista Mainframe Cobol 55567890?", lang="en")
    assert got is not None and "Iracema Tavares" in got.text and "Otávio" not in got.text
    # "vaga 55512345" is no vaga id of the records: a code in a title
    got = answerer.answer("A vaga 55512345 teve quantas candidaturas?", lang="pt")
    assert got is not None and got.plan.intent == "count" and "1" in got.text


def test_where_someone_stands_is_read_from_their_own_applications(answerer: Answerer) -> None:
    got = answerer.answer("Em que pé está o Otávio Brum na seleção de Analista Mainframe Cobol?", lang="pt")
    assert got is not None and got.plan.intent == "applicant_status"
    assert "Entrevista Técnica" in got.text and "Não Aprovado" not in got.text


def test_a_full_name_on_file_is_that_person_not_a_namesake_found_by_first_and_last_name(answerer: Answerer) -> None:
    got = answerer.answer("How is Iracema Tavares doing in her application?", lang="en")
    assert got is not None and got.plan.intent == "applicant_status"
    assert "99031" in got.text and "99032" not in got.text


def test_openings_by_title_count_the_vagas_known_only_from_applications(answerer: Answerer) -> None:
    # "Application" in a title asks no count of applications
    got = answerer.answer("Quantas vagas de Application Support Analyst já tivemos?", lang="pt")
    assert got is not None and got.plan.measure == "vagas" and got.text.startswith("Há 1 vaga ")
    got = answerer.answer("How many Analista Mainframe Cobol openings were there?", lang="en")
    assert got is not None and got.plan.measure == "vagas" and got.text.startswith("There are 2 jobs ")


def _table(applicants: list[dict[str, str]], vagas: list[dict[str, str]] = ()) -> Answerer:  # type: ignore[assignment]
    import pandas as pd

    from recruta.answer.table import APPLICANT_COLUMNS, APPLICATION_COLUMNS, VAGA_COLUMNS, RecordsTable

    people = pd.DataFrame([{**dict.fromkeys(APPLICANT_COLUMNS, ""), **p} for p in applicants])
    table = RecordsTable.from_frames(
        vagas=pd.DataFrame([{**dict.fromkeys(VAGA_COLUMNS, ""), **v} for v in vagas], columns=list(VAGA_COLUMNS)),
        applicants=people,
        applications=pd.DataFrame(columns=list(APPLICATION_COLUMNS)).astype({"hired": int}),
    )
    return Answerer(table)


def test_a_city_search_reads_the_profile_city_and_a_cv_city_only_when_no_profile_has_it() -> None:
    base = {"english": "Fluente", "title": "Analista"}
    answerer = _table(
        [
            {**base, "code": "1", "name": "Rui Paiva", "city": "Joinville", "city_source": "field"},
            {**base, "code": "2", "name": "Lia Sena", "city": "Joinville", "city_source": "cv"},
            {**base, "code": "3", "name": "Ivo Lemos", "city": "Blumenau", "city_source": "cv"},
            {**base, "code": "4", "name": "Ana Prado", "city": "São José Dos Campos", "city_source": "field"},
            {**base, "code": "5", "name": "Eva Mota", "city": "São José dos Campos", "city_source": "field"},
        ]
    )
    got = answerer.answer("Who lives in Joinville and speaks fluent English?", lang="en")
    assert got is not None and "Rui Paiva" in got.text and "Lia Sena" not in got.text
    got = answerer.answer("Quem mora em Blumenau com inglês fluente?", lang="pt")
    assert got is not None and "Ivo Lemos" in got.text
    # one city however the records capitalise it
    got = answerer.answer("Candidatos en São José dos Campos con inglés fluido", lang="es")
    assert got is not None and "Ana Prado" in got.text and "Eva Mota" in got.text


def test_equally_fitting_vagas_narrowed_by_when_they_opened_and_by_the_title_as_written() -> None:
    def vaga(vid: str, title: str, client: str, requested: str) -> dict[str, str]:
        return {"vaga_id": vid, "title": title, "client": client, "city": "São Paulo", "requested": requested}

    answerer = _table(
        [{"code": "1", "name": "Rui Paiva"}],
        [
            vaga("11", "Analista Fiscal Sr", "Acme Tintas", "2019-05-04"),
            vaga("12", "Analista Fiscal Sênior", "Beta Papéis", "2021-08-10"),
            vaga("13", "Analista Fiscal Senior", "Gama Têxtil", "2022-02-01"),
            vaga("14", "Engenheiro de Dados Pleno", "Acme Tintas", "2020-03-03"),
            vaga("15", "Engenheiro de Dados Pleno", "Beta Papéis", "2020-07-07"),
        ],
    )
    got = answerer.answer("Which client is the Analista Fiscal Senior job opened in August 2021 for?", lang="en")
    assert got is not None and got.kind == "vaga_field" and "Beta Papéis" in got.text and "Acme" not in got.text
    got = answerer.answer(
        "¿Para qué cliente es la vacante de Engenheiro de Dados Pleno abierta en julio de 2020?", lang="es"
    )
    assert got is not None and got.kind == "vaga_field" and "Beta Papéis" in got.text
    # three spellings of one title: the one written as asked
    got = answerer.answer("De que cliente é a vaga de Analista Fiscal Sr?", lang="pt")
    assert got is not None and got.kind == "vaga_field" and "Acme Tintas" in got.text
    # a date that fits none leaves the choice to the recruiter
    got = answerer.answer("De que cliente é a vaga de Engenheiro de Dados Pleno aberta em 2024?", lang="pt")
    assert got is not None and got.kind == "ambiguous_vagas"


def test_a_frame_word_written_as_part_of_a_title_is_the_titles(answerer: Answerer) -> None:
    # "recrutador" frames "quantas vagas a recrutadora abriu", but "Recrutador Cloud" is a job title
    got = answerer.answer("Who got hired for Recrutador Cloud?", lang="en")
    assert got is not None and got.kind == "vaga_hires" and "Jurema Falcão" in got.text
    got = answerer.answer("How many candidates applied to Recrutador Cloud?", lang="en")
    assert got is not None and "Recrutador Cloud" in got.text and "2 applications" in got.text
    got = answerer.answer("Which of Jurema Falcão and Otávio Brum was hired for Recrutador Cloud?", lang="en")
    assert got is not None and got.plan.intent == "compare" and got.kind == "compare"
