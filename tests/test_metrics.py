from recruta.rag.metrics import PortugueseTokenizer, bleu, hit_at_k, mrr, retrieval_rank, rouge


def test_tokenizer_keeps_portuguese_words():
    assert PortugueseTokenizer().tokenize("Inglês Avançado, Nível Técnico — ação!") == [
        "inglês",
        "avançado",
        "nível",
        "técnico",
        "ação",
    ]


def test_rouge_counts_accented_words():
    assert rouge("inglês avançado", "inglês avançado")["rougeL"] == 1.0
    assert rouge("inglês básico", "inglês avançado")["rouge1"] == 0.5
    assert rouge("nada a ver", "inglês avançado")["rougeL"] == 0.0


def test_bleu_perfect_and_zero():
    assert bleu(["o nível de inglês exigido é avançado"], ["o nível de inglês exigido é avançado"]) > 99
    assert bleu(["xyz"], ["o nível de inglês exigido é avançado"]) < 5


def test_retrieval_rank_matches_chunks_to_records():
    ids = ["vaga:2:0", "candidato:7:3", "prospect:1:7"]
    assert retrieval_rank(ids, ["candidato:7"]) == 2
    assert retrieval_rank(ids, ["prospect:1:7"]) == 3
    assert retrieval_rank(ids, ["vaga:9"]) is None
    assert hit_at_k([1, 3, None], 1) == 1 / 3
    assert hit_at_k([1, 3, None], 3) == 2 / 3
    assert mrr([1, 2, None]) == (1 + 0.5) / 3


# ----------------------------------------------------------------------------- the answer judge
import pytest  # noqa: E402

from recruta.rag.judge import judge, says_no_answer  # noqa: E402
from recruta.rag.metrics import answer_row, citation_scores, summarise  # noqa: E402
from recruta.rag.vocab import RecordNames, Vocabulary  # noqa: E402

PEOPLE = [
    "Ana Souza",
    "Diego Alves",
    "Bruno Lima",
    "Carla Dias",
    "Elisa Rocha",
    "Juliana Campos",
    "Juliana Queiroz Campos",
    "Ana Paula",
    "Ana Paula Brandão Castro",
    "Sra. Maria Alice Carvalho",
]
NAMES = RecordNames(
    namespaces={
        "person": Vocabulary.of(PEOPLE, min_words=2),
        "client": Vocabulary.of(["Pampa Energia", "Solaris Engenharia", "Nelson-Page"]),
        "recruiter": Vocabulary.of(["Marina Costa", "Paulo Reis", "Ana Lima", "Rui Melo"]),
        "city": Vocabulary.of(["São Paulo", "Recife", "Curitiba"]),
    },
    hired=frozenset({"ana souza", "carla dias", "maria alice carvalho", "sra. maria alice carvalho"}),
)
ENGLISH = {
    "type": "value",
    "value": "Avançado",
    "field": "ingles",
    "alternatives": ["Básico", "Intermediário", "Avançado", "Fluente", "Nenhum"],
}


def ok(expected, answer, question="?", lang="pt", names=NAMES):
    return judge(expected, answer, question=question, lang=lang, names=names).correct


@pytest.mark.parametrize(
    "answer",
    [
        "A vaga pede inglês avançado.",
        "INGLÊS: AVANÇADO",
        "Advanced English.",
        "Inglés avanzado.",
        "Inglês: Avançado\nEspanhol: Básico",  # a record dump: Básico is the Spanish level
        "Inglês avançado e espanhol básico.",  # the nearest field word of "básico" is espanhol
        "Avançado (não Básico, como na outra vaga).",  # a negated alternative is no claim
        "O inglês exigido é Avançado [vaga:1001:0].",  # citations are ignored
    ],
)
def test_value_right_in_any_form(answer):
    assert ok(ENGLISH, answer)


@pytest.mark.parametrize(
    "answer",
    [
        "Básico.",
        "Inglês avançado ou fluente.",
        "Pode ser Básico, Intermediário, Avançado ou Fluente.",
        "Não encontrei essa informação.",
        "",
        "Avançad",
    ],
)
def test_value_wrong_missing_or_contradicted(answer):
    assert not ok(ENGLISH, answer)


def test_value_alternatives_the_question_offers_are_no_contradiction():
    level = {
        "type": "value",
        "value": "Pleno",
        "field": "nivel_profissional",
        "alternatives": ["Júnior", "Pleno", "Sênior", "Analista"],
    }
    assert ok(level, "Nem sênior nem júnior: é Pleno.", question="É sênior ou júnior?")
    assert ok(level, "It is a mid-level (Pleno) job, not senior.", question="Is it senior or junior?", lang="en")
    assert not ok(level, "É Pleno ou Sênior.", question="Qual o nível?")


def test_value_none_level_accepts_not_required_and_statuses_their_feminine():
    spanish = {"type": "value", "value": "Nenhum", "field": "espanhol", "alternatives": ["Básico", "Fluente", "Nenhum"]}
    assert ok(spanish, "Não, a vaga não exige espanhol.")
    assert ok(spanish, "Spanish is not required.", lang="en")
    assert not ok(spanish, "Espanhol básico.")
    status = {
        "type": "value",
        "value": "Contratado pela Decision",
        "field": "status",
        "alternatives": ["Contratado pela Decision", "Não Aprovado pelo Cliente", "Aprovado", "Prospect"],
    }
    assert ok(status, "Carla Dias foi contratada pela Decision.")
    assert not ok(status, "Carla Dias está como Prospect.")
    rejected = {**status, "value": "Não Aprovado pelo Cliente", "not_hired": ["Carla Dias"]}
    assert ok(rejected, "Carla Dias: Não Aprovado pelo Cliente [prospect:1001:2003]")  # "Aprovado" is inside it
    assert ok(rejected, "She was rejected by the client.", lang="en")
    # the recruiter's comment on the application, quoted with it, is another field: no status claimed
    withdrew = {**status, "value": "Desistiu da Contratação", "alternatives": ["Desistiu", "Desistiu da Contratação"]}
    assert ok(withdrew, "Ana (vaga 1120) — Desistiu da Contratação (comentário: desistiu por causa da localização)")
    assert ok(status, "Carla Dias — Contratado pela Decision (comment: aprovado pelo cliente, início em 24/11)")
    assert not ok(status, "Carla Dias — Contratado pela Decision; depois, Aprovado (comentário: início em 24/11)")


def test_value_words_of_the_vaga_title_the_answer_restates_are_no_contradiction():
    level = {
        "type": "value",
        "value": "Pleno",
        "field": "nivel_profissional",
        "alternatives": ["Júnior", "Pleno", "Sênior", "Analista", "Técnico"],
    }
    said = "La vacante 4950 (Analista de Controladoria Pleno, Jequitibá Bank, São Paulo) es de nivel semi senior."
    assert ok(level, said, question="¿Qué seniority tiene la vacante 4950?", lang="es")
    assert ok(level, "Job 1260 (Técnico de Campo (SRE) Pleno, Cedro, São Paulo) is a mid-level job.", lang="en")
    # outside the restated title the same word still contradicts
    assert not ok(level, "Job 1260 (Técnico de Campo, Cedro, São Paulo) is a mid-level or Analista job.", lang="en")
    assert not ok(level, "A vaga 1260 é de nível Pleno; Analista também serve.")


def test_value_with_a_namespace_rejects_other_names_of_it():
    client = {"type": "value", "value": "Pampa Energia", "namespace": "client"}
    assert ok(client, "É da Pampa Energia.")
    assert not ok(client, "Pode ser da Pampa Energia ou da Solaris Engenharia.")
    assert ok(
        client, "Pampa Energia (a da Solaris Engenharia é outra vaga)", question="É da Solaris Engenharia?"
    )  # a name the question gives is no contradiction


PAIR = {"type": "set", "items": ["Ana Souza", "Diego Alves"], "namespace": "person"}


@pytest.mark.parametrize(
    "answer,right",
    [
        ("Ana Souza e Diego Alves.", True),
        ("DIEGO ALVES; ana souza", True),
        ("- Diego Alves\n- Ana Souza", True),
        ("Ana Souza.", False),
        ("Ana Souza, Diego Alves e Bruno Lima.", False),
        ("Ana Souza e Diego.", False),
        ("Ninguém.", False),
    ],
)
def test_sets_every_name_and_no_other(answer, right):
    assert ok(PAIR, answer) is right


def test_sets_longest_name_wins_and_honorifics_are_optional():
    juliana = {"type": "set", "items": ["Juliana Campos"], "namespace": "person"}
    assert not ok(juliana, "Juliana Queiroz Campos.")  # another person, not Juliana Campos plus words
    assert ok(
        {"type": "set", "items": ["Ana Paula Brandão Castro"], "namespace": "person"}, "Ana Paula Brandão Castro."
    )  # "Ana Paula" inside her name is not a second person
    assert ok({"type": "set", "items": ["Sra. Maria Alice Carvalho"], "namespace": "person"}, "Maria Alice Carvalho.")
    # without the records' names only the expected ones can be checked
    assert ok(PAIR, "Ana Souza, Diego Alves e Bruno Lima.", names=None)


def test_empty_set_means_saying_nobody_in_the_questions_language():
    nobody = {"type": "set", "items": [], "namespace": "person", "not_hired": ["Bruno Lima", "Elisa Rocha"]}
    assert ok(nobody, "Ninguém foi contratado para essa vaga.")
    assert ok(nobody, "Nenhum candidato foi contratado; Bruno Lima desistiu.")
    assert ok(nobody, "Nobody was hired for it.", lang="en")
    assert ok(nobody, "Nadie fue contratado.", lang="es")
    assert not ok(nobody, "Bruno Lima foi contratado.")
    assert not ok(nobody, "Elisa Rocha.")


@pytest.mark.parametrize(
    "answer,right",
    [
        ("Foram 12 candidaturas.", True),
        ("12", True),
        ("doze candidatos", True),
        ("Twelve applicants.", True),
        ("Em 2021, a vaga 1003 teve 12 candidatos.", True),
        ("Ana Souza (10042) e outros: 12 no total.", True),
        ("1. Foram 12", True),
        ("A vaga teve 11. Ou 12.", False),
        ("Cerca de 10.", False),
        ("Muitas.", False),
        ("Dos 12, 2 foram contratados.", True),
        ("2 contratados de 12 candidatos.", False),
    ],
)
def test_counts_are_the_first_count_like_number(answer, right):
    assert ok({"type": "number", "value": 12}, answer, question="Quantas candidaturas teve a vaga em 2021?") is right


def test_counts_thousands_zero_and_numbers_of_the_question():
    assert ok({"type": "number", "value": 1235}, "Foram 1.235 candidaturas.")
    assert ok({"type": "number", "value": 1235}, "1,235 applications.", lang="en")
    assert ok({"type": "number", "value": 0}, "Nenhuma vaga.")
    assert ok({"type": "number", "value": 3}, "Em 2022 foram 3.", question="Quantas vagas em 2022?")
    assert ok({"type": "number", "value": 2022}, "2022")  # a count that looks like a year is still the count


@pytest.mark.parametrize(
    "answer,right",
    [
        ("Aberta em 22/06/2024.", True),
        ("22-06-2024", True),
        ("2024-06-22", True),
        ("22 de junho de 2024", True),
        ("June 22, 2024", True),
        ("el 22 de junio de 2024", True),
        ("22/06/2024 ou 23/06/2024", False),
        ("06/22/2024", False),
        ("Em junho de 2024.", False),
    ],
)
def test_dates_in_any_usual_format(answer, right):
    assert ok({"type": "date", "value": "2024-06-22"}, answer) is right


RANKING = {
    "type": "ranking",
    "k": 2,
    "namespace": "recruiter",
    "ranking": [["Marina Costa", 5], ["Paulo Reis", 3], ["Ana Lima", 3], ["Rui Melo", 1]],
}


@pytest.mark.parametrize(
    "answer,right",
    [
        ("1. Marina Costa (5)\n2. Paulo Reis (3)", True),
        ("Marina Costa e Ana Lima, empatada com Paulo Reis.", True),
        ("Marina Costa — 5 contratações; Paulo Reis — 3.", True),
        ("Paulo Reis, Marina Costa", False),
        ("Marina Costa (4), Paulo Reis (3)", False),
        ("Marina Costa.", False),
        ("Marina Costa, Rui Melo", False),
    ],
)
def test_rankings_in_order_ties_allowed_counts_checked(answer, right):
    assert ok(RANKING, answer) is right


def test_options_compare_and_text():
    options = {
        "type": "options",
        "by": "cliente",
        "options": [
            {"label": "Pampa Energia", "record": "vaga:1"},
            {"label": "Solaris Engenharia", "record": "vaga:2"},
        ],
    }
    assert ok(options, "Há duas vagas com esse título: na Pampa Energia e na Solaris Engenharia. Qual delas?")
    assert not ok(options, "A da Pampa Energia exige inglês Avançado.")
    compare = {"type": "compare", "winner": "Ana Souza", "loser": "Diego Alves", "not_hired": ["Diego Alves"]}
    assert ok(compare, "Ana Souza foi contratada; Diego Alves ficou como Inscrito.")
    assert ok(compare, "Diego Alves was not hired, Ana Souza was hired.", lang="en")
    assert not ok(compare, "Ana Souza tem mais experiência que Diego Alves.")  # not what the records say
    assert not ok(compare, "Diego Alves foi contratado.")
    text = {
        "type": "text",
        "items": [
            "Conduzir cerimônias do Scrum com o time",
            "Remover impedimentos das equipes",
            "Acompanhar métricas de entrega da sprint",
            "Apoiar o Product Owner no backlog",
        ],
    }
    assert ok(text, "Conduz as cerimônias do Scrum com o time e acompanha métricas de entrega da sprint.")
    assert not ok(text, "Atua como Scrum Master.")


@pytest.mark.parametrize(
    "answer,lang,right",
    [
        ("Os registros não têm essa informação.", "pt", True),
        ("Não encontrei essa informação nos registros.", "pt", True),
        ("Os dados não informam o número de funcionários.", "pt", True),
        ("The records don't say.", "en", True),
        ("There is no record of an interview score.", "en", True),
        ("No hay información sobre eso.", "es", True),
        ("I don't have that information.", "pt", False),  # right idea, wrong language
        ("A Nelson-Page tem 500 funcionários.", "pt", False),
        ("", "pt", False),
    ],
)
def test_unanswerable_must_say_so_in_the_questions_language(answer, lang, right):
    assert ok({"type": "none"}, answer, lang=lang) is right


def test_a_name_inside_a_quoted_job_title_is_called_nothing():
    """Requisition titles name people ("… - Replace - Juliana Garcia Buson"): quoting the title beside the hire
    calls that person nothing; naming them as hired still does."""
    from recruta.rag.vocab import RecordNames, Vocabulary, phrase_key

    names = RecordNames(
        namespaces={
            "person": Vocabulary.of(["Juliana Garcia", "Maria Borges"], min_words=2),
            "title": Vocabulary.of(["Assistente Operações RH - Replace - Juliana Garcia Buson"], min_chars=4),
        },
        hired=frozenset({phrase_key("Maria Borges")}),
    )
    hired = {"type": "set", "items": ["Maria Borges"], "namespace": "person", "claim": "hired", "not_hired": []}
    question = "Quem foi contratado para Assistente Operações RH - Replace - Juliana Garcia Buson?"
    quoted = "Contratado(s) para a vaga 7828 (Assistente Operações RH - Replace - Juliana Garcia Buson): Maria Borges."
    assert judge(hired, quoted, question=question, names=names).correct
    verdict = judge(hired, "Contratadas: Maria Borges e Juliana Garcia.", question=question, names=names)
    assert verdict.false_hires == ("Juliana Garcia",)


def test_false_hires_make_any_answer_wrong():
    scoped = {**ENGLISH, "not_hired": ["Elisa Rocha"]}
    assert not ok(scoped, "Inglês Avançado. Elisa Rocha foi contratada.")
    verdict = judge(scoped, "Inglês Avançado. Elisa Rocha foi contratada.", names=NAMES)
    assert verdict.false_hires == ("Elisa Rocha",) and "false hire" in verdict.reason
    assert ok(scoped, "Inglês Avançado; Elisa Rocha não foi contratada.")
    assert ok(scoped, "Inglês Avançado. Elisa Rocha: Não Aprovado pelo Cliente.")
    # without a scope, the records' names: Bruno Lima was never hired anywhere, Carla Dias was
    assert not ok(ENGLISH, "Avançado; Bruno Lima foi contratado.")
    assert ok(ENGLISH, "Avançado; Carla Dias foi contratada.")
    hired = {
        "type": "set",
        "items": ["Carla Dias"],
        "namespace": "person",
        "claim": "hired",
        "not_hired": ["Elisa Rocha"],
    }
    assert ok(hired, "Carla Dias foi contratada e Elisa Rocha, reprovada.")
    assert ok(hired, "Elisa Rocha se candidatou, mas quem foi contratada foi Carla Dias.")
    assert ok(hired, "Contratada: Carla Dias. Elisa Rocha não.")
    assert not ok(hired, "Carla Dias e Elisa Rocha foram contratadas.")
    assert not ok(hired, "Contratadas: Carla Dias, Elisa Rocha.")
    assert not ok(hired, "Bruno Lima foi contratado.")  # not an applicant of this vaga, still an extra hire
    assert ok(hired, "Carla Dias.")  # the hire alone: nothing else to tell apart
    # the recruiter who hired is not called hired, even when a candidate shares the name
    eight = {"type": "number", "value": 8}
    assert judge(eight, "8 candidatos foram contratados pelo recrutador Bruno Lima.", names=NAMES).correct
    assert judge(eight, "8 hires by recruiter Bruno Lima.", names=NAMES).correct
    assert not judge(eight, "8 contratados, entre eles Bruno Lima.", names=NAMES).correct
    # … nor an applicant whose name sits inside the recruiter's so introduced ("Ana Bruno Lima", a recruiter,
    # holds the applicant "Bruno Lima"), honorific or not; named apart from the recruiter, the applicant still is
    staffed = RecordNames(
        namespaces={**NAMES.namespaces, "recruiter": Vocabulary.of(["Ana Bruno Lima", "Elisa Rocha"])},
        hired=NAMES.hired,
    )
    assert judge(eight, "8 candidatos foram contratados pelo recrutador Ana Bruno Lima.", names=staffed).correct
    assert judge(eight, "8 candidates were hired by recruiter Sra. Ana Bruno Lima.", names=staffed).correct
    assert not judge(
        eight, "8 contratados pelo recrutador Ana Bruno Lima, entre eles Bruno Lima.", names=staffed
    ).correct
    # applicants listed without saying who was hired do not answer, even when the hire is among them
    assert not ok(hired, "Candidatura: Elisa Rocha na vaga 1001. Candidatura: Carla Dias na vaga 1001.")
    assert ok(hired, "Candidaturas: Elisa Rocha (Não Aprovado pelo Cliente); Carla Dias (Contratado pela Decision).")
    # a CV pasted after a name claims nothing about that person, however many "contratado"s it holds
    cv = (
        "Candidato Bruno Lima (2002) analista sap com experiência em integração, criação de relatórios abap e "
        "cálculo do frete aprovado, subtraindo o que já foi contratado através de lançamento de documento."
    )
    assert ok(ENGLISH, cv + " Inglês: Avançado.")
    # a search is a list: naming someone else is an extra, whatever is said of them
    assert not ok({**hired, "claim": None}, "Carla Dias foi contratada e Elisa Rocha, reprovada.")
    assert ok(
        {"type": "compare", "winner": "Sra. Maria Alice Carvalho", "loser": "Ana Souza"},
        "Sra. Maria Alice Carvalho foi contratada; Ana Souza não.",
    )  # "Sra." ends no sentence


def test_says_no_answer_by_language():
    assert says_no_answer("Não consta nos registros.", "pt") and not says_no_answer("Não consta nos registros.", "en")
    assert says_no_answer("No consta.", None)
    assert not says_no_answer("A vaga exige inglês Avançado.")
    # the Spanish twin of "não guardam" (pt) and "do not hold" (en) is a refusal too
    assert says_no_answer("Los archivos de vacantes y postulaciones no guardan ese dato.", "es")
    assert not says_no_answer("Guardan las notas de cada entrevista.", "es")


def test_citations_rows_and_per_kind_summary():
    assert citation_scores(["vaga:1001:0", "vaga:1001:1", "candidato:7:0"], ["vaga:1001"]) == (0.5, 1.0)
    assert citation_scores([], ["vaga:1001"]) == (0.0, 0.0)
    assert citation_scores(["vaga:1:0"], []) is None

    class Item:
        def __init__(self, i, kind, expected, record_ids, lang="pt"):
            self.id, self.kind, self.expected, self.record_ids, self.lang = str(i), kind, expected, record_ids, lang
            self.split, self.intent, self.question, self.reference = "dev", "", "?", "ref"

    rows = [
        answer_row(
            Item(1, "count", {"type": "number", "value": 3}, ["vaga:1"]),
            prediction="3",
            source_ids=["vaga:1:0", "vaga:2:0"],
            latency_ms=10,
        ),
        answer_row(
            Item(2, "count", {"type": "number", "value": 4}, ["vaga:2"]),
            prediction="5",
            source_ids=["vaga:9:0"],
            latency_ms=30,
        ),
        answer_row(
            Item(3, "unanswerable", {"type": "none"}, []), prediction="Não consta.", source_ids=[], latency_ms=20
        ),
    ]
    assert [r["correct"] for r in rows] == [True, False, True] and rows[1]["verdict"] == "says 5, expected 4"
    m = summarise(rows, k=5)
    assert m["answer_accuracy"] == pytest.approx(2 / 3) and m["answer_accuracy/count"] == 0.5
    assert m["answer_accuracy/unanswerable"] == 1.0 and m["false_hire_rate"] == 0.0
    assert m["citation_precision"] == pytest.approx(0.25) and m["citation_recall"] == 0.5  # over the 2 with records
    assert m["hit_at_k"] == 0.5 and m["mrr"] == 0.5  # the unanswerable one has no record to retrieve
    assert m["n_questions/count"] == 2 and "rougeL" in m and "bleu" in m
