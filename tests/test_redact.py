import json

import pytest

from recruta.redact import find_pii, redact
from tests.conftest import DECISION, needs_shared

CASES = [
    ("luis augusto +55 51 9 9720.0896", "luis augusto [TELEFONE]"),
    ("celular: (34) 9 9986 – 1472", "celular: [TELEFONE]"),
    ("mobile: +5511-974-696-566", "mobile: [TELEFONE]"),
    ("(41) 99797 - 2828", "[TELEFONE]"),
    ("data de nascimento: (05/03/1985)", "data de nascimento: [DATA_NASCIMENTO]"),
    ("nascimento 01.05.1981 idade 39 anos", "nascimento [DATA_NASCIMENTO] idade 39 anos"),
    ("j u c a s s o l i @ g m a i l . c o m", "[EMAIL]"),
    ("e-mail: wesley.r@gmail.com", "e-mail: [EMAIL]"),
    ("rodolfo.silva@inewapp.c om.br", "[EMAIL]"),
    ("cpf: 123.456.789-09", "cpf: [CPF]"),
    ("cpf 12345678909", "cpf [CPF]"),
    ("cep: 13024 - 045 - cambuí", "[CEP] - cambuí"),
    ("rua das flores, 123 - apto 4", "[ENDERECO]"),
    ("https://www.linkedin.com/in/fulano-de-tal", "[LINK]"),
    ("skype: fulano.tal", "[LINK]"),
]

KEEP = [
    "01/2021 – 07/2021 fcn contabilidade",
    "jul/2015 - dez/2018",
    "2015 - 2018",
    "R$ 6.000,00 – CLT Full",
    "sap ecc 6.0 ehp 7, iso 9001:2015",
    "windows 10, office 365, 10 anos em sap",
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_redacts_pii_formats_seen_in_real_cvs(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", KEEP)
def test_keeps_dates_of_work_history_and_numbers(text):
    assert redact(text) == text


@needs_shared
def test_no_pii_left_in_real_cv_text():
    applicants = json.loads((DECISION / "applicants.json").read_text())
    leaks = {}
    for code, rec in applicants.items():
        cleaned = redact(rec.get("cv_pt", "") + "\n" + rec.get("cv_en", ""))
        if found := find_pii(cleaned):
            leaks[code] = found
    assert leaks == {}
