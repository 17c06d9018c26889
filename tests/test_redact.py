import json

import pytest

from recruta.text.redact import find_pii, redact
from tests.conftest import DECISION, needs_shared

CASES = [
    ("luis augusto +55 51 9 9720.0896", "luis augusto [TELEFONE]"),
    ("celular: (34) 9 9986 – 1472", "celular: [TELEFONE]"),
    ("mobile: +5511-974-696-566", "mobile: [TELEFONE]"),
    ("(41) 99797 - 2828", "[TELEFONE]"),
    ("data de nascimento: (17/06/1986)", "data de nascimento: [DATA_NASCIMENTO]"),
    ("nascimento 01.05.1981 idade 39 anos", "nascimento [DATA_NASCIMENTO] idade 39 anos"),
    ("j u c a s s o l i @ g m a i l . c o m", "[EMAIL]"),
    ("e-mail: wesley.r@gmail.com", "e-mail: [EMAIL]"),
    ("rodolfo.silva@inewapp.c om.br", "[EMAIL]"),
    ("cpf: 123.456.789-09", "cpf: [CPF]"),
    ("cpf 12345678909", "cpf [CPF]"),
    ("cep: 13024 - 045 - cambuí", "[CEP] - cambuí"),
    ("rua das flores, 123 - apto 4", "[ENDERECO]"),
    # An e-mail line followed by an address line: the e-mail rule once took "rua" as the e-mail's last piece
    # and left "dos girassóis, 263" (5 of the sample's 1,000 candidates).
    ("e-mail: a.almeida@yahoo.com.br\nrua dos girassóis, 263 - cep 21951-748", "e-mail: [EMAIL]\n[ENDERECO] - [CEP]"),
    ("e-mail: x@gmail.com\ncpf: 123.456.789-09", "e-mail: [EMAIL]\ncpf: [CPF]"),
    ("https://www.linkedin.com/in/fulano-de-tal", "[LINK]"),
    ("skype: fulano.tal", "[LINK]"),
    # Birth dates without a "nascimento" label right before them (CV headers of the real records).
    ("brasileiro, solteiro, 15/05/1991", "brasileiro, solteiro, [DATA_NASCIMENTO]"),
    ("brasileira, casada, 3 filhos", "brasileira, casada, 3 filhos"),
    ("24 anos (08/01/1997)", "24 anos [DATA_NASCIMENTO]"),
    ("28 anos (14/07/93) - união estável, 1 filho.", "28 anos [DATA_NASCIMENTO] - união estável, 1 filho."),
    ("união estável, 01/02/1990", "união estável, [DATA_NASCIMENTO]"),
    ("data de\n06/03/1980\nnascimento", "data de\n[DATA_NASCIMENTO]\nnascimento"),  # two columns read apart
    ("nasc.: 28/01/1985", "nasc.: [DATA_NASCIMENTO]"),
    (
        "brasileiro, casado, nascido em 21/10/1983 – 3 filhos",
        "brasileiro, casado, nascido em [DATA_NASCIMENTO] – 3 filhos",
    ),
    ("date of birth: 1985-03-05", "date of birth: [DATA_NASCIMENTO]"),
]

KEEP = [
    "01/2021 – 07/2021 fcn contabilidade",
    "jul/2015 - dez/2018",
    "2015 - 2018",
    "R$ 6.000,00 – CLT Full",
    "sap ecc 6.0 ehp 7, iso 9001:2015",
    "windows 10, office 365, 10 anos em sap",
    # Work-history dates, even next to words that precede birth dates elsewhere.
    "admissão: 01/09/2005 saída: 04/09/2008",
    "período: 13.10.2005 até 30.06.2016",
    "10 anos de experiência, 01/2010 a 02/2015",
    "casado, 2 filhos, 01/03/2010 a 05/06/2012 na empresa x",
    "datas: 14/10/2009 á 10/11/2009",
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


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("email", "contato: j o a o @ g m a i l . c o m"),
        ("cpf", "CPF 12345678909"),
        ("phone", "fone 93456-1209"),
        ("phone", "+55 (11) 9 8765-4321"),
        ("birth_date", "28 anos (14/07/93)"),
        ("birth_date", "solteiro, 15/05/1991"),
    ],
)
def test_detectors_see_what_the_rules_remove(kind, text):
    """The audit detectors (used over the index, prompts, logs and MLflow artifacts) flag each raw format..."""
    assert kind in find_pii(text)
    assert find_pii(redact(text)) == {}  # ...and nothing once redacted


def test_guards_skip_only_rules_that_cannot_match(monkeypatch):
    """The needle guards are an optimisation: with every guard forced open, the output is the same."""
    from recruta.text import redact as mod

    texts = [
        "Contato: (11) 98765-4321, email j o a o @ g m a i l . c o m, linkedin.com/in/fulano, skype: fulano.x",
        "Brasileiro, solteiro, 15/05/1991. Rua das Flores, 123 apto 4, CEP: 13024-045. CPF 12345678901",
        "data de nascimento: (17/06/1986) — nasc.: 28/01/1985 — 06/03/1980 nascimento — Tel. +55 11 9 8765 4321",
        "Experiência com estrutura de dados e excelente comunicação; WhatsApp 11 9 8765 4321; X.com/perfil",
        "Sem dados pessoais aqui, apenas Java, SAP e 2019-2021.",
    ]
    guarded = [mod.redact(t) for t in texts]
    monkeypatch.setattr(mod, "_may_match", lambda guard, text, folded: True)
    assert [mod.redact(t) for t in texts] == guarded
    assert any("[TELEFONE]" in g for g in guarded) and any("[DATA_NASCIMENTO]" in g for g in guarded)
