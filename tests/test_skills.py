"""recruta.facts: skills, requirements, languages, experience, seniority, education, places, salary.

Russian excerpts are copied from the llmmatch data set (MIT, /work/shared/data/llmmatch); the
data-driven tests at the end read the files themselves when they are present.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from recruta import facts as S
from recruta.facts import (
    Evidence,
    detect_language,
    education_level,
    electrical_safety_group,
    extract_skills,
    language_levels,
    locations,
    requirements,
    salary,
    seniority,
    years_of_experience,
)

LLMMATCH = Path("/work/shared/data/llmmatch")

PT_JOB = (
    "Competências técnicas: Experiência com SAP FI e S/4HANA; Inglês avançado; Superior completo\n"
    "- Domínio de Excel avançado e Power BI\n"
    "• Boa comunicação oral e escrita\n"
    "• Proatividade e autonomia"
)
EN_JOB = (
    "Senior Backend Engineer\n"
    "Requirements: 5+ years of Python, Django, PostgreSQL, AWS; Bachelor's degree in Computer Science.\n"
    "Nice to have: Docker, Kubernetes, CI/CD. English: fluent. Remote."
)
ES_JOB = "Desarrollador Java. Experiencia con Java y Spring Boot, inglés intermedio. Trabajo en equipo."

# --- real excerpts (llmmatch) ---------------------------------------------------------------------
RU_CV_ASU = (
    "Ищет работу на должность: Инженер АСУ ТП\n"
    "Пол, возраст: Мужчина ,  29 лет , родился 9 июля 1989\n"
    "Заработная плата: 70000 руб.\n"
    "Город, переезд, командировки: Москва ,  м. Бульвар Рокоссовского , готов к переезду , готов к командировкам\n"
    "Опыт работы: Опыт работы 3 года 11 месяцев  Декабрь 2016 — Апрель  2017 5 месяцев ФМ-инжиниринг Москва "
    "Инженер АСУ ТП Установка , обслуживание систем автоматики , КИП , пожарных систем , ежедневная работа с "
    "чертежами , схемами . Внедрение в производство и сдача SCADA систем Пуско-наладочные работы автоматической "
    "системы • GE Fanuc ПЛК Series 90-30‚ 90-70, Rx3i‚ Rx7i, Versamax • Modbus‚ Profibus‚ TCP/IP\n"
    "Образование и ВУЗ: Высшее образование 2014 Белорусская Государственная Академия Авиации  БГАА, Минск"
)
RU_VAC_ASU_2 = (
    "Должность: Инженер-программист АСУ ТП\n"
    "Заработная плата: Salary not specified\n"
    "Локация: Москва\n"
    "Тип занятости: Стажировка, полный день\n"
    "Требуемый опыт работы: не требуется\n"
    "Описание: Обязанности: -Программирование ПЛК на языках программирования стандарта МЭК 61131-3 (ST, SFC, FBD, "
    "LD); -Программирование операторских панелей Magelis, WEINTEK -Реализация передачи данных с использованием "
    "сетевых протоколов (Profibus, Modbus); -Создание ARM (Vijeo Citect); -Монтаж и пусконаладка на объекте "
    "заказчика; - Удаленный формат работы не рассматриваем; -Работа с САПР: Autocad, опыт приветствуется\n"
    "Навыки: Исполнительность Ответственность"
)
RU_VAC_ASU_3 = (
    "Должность: Инженер АСУ ТП (с переездом)\n"
    "Заработная плата: от 70 000 до 120 000 ₽ до вычета налогов\n"
    "Локация: Location is not specified\n"
    "Адрес: Белгород, проспект Богдана Хмельницкого, 111\n"
    "Требуемый опыт работы: 1–3 года\n"
    "Описание: написание программ для ПЛК на языках МЭК (Знание хотя бы одного из продуктов: CoDeSys, Step7, TIA "
    "Portal или аналогов). разработка проектов в SCADA-системах (Знание хотя бы одной из продуктов: WinCC, "
    "MasterSCADA)/ настройка и ввод в эксплуатацию оборудования (ПЛК, частотные преобразователи, регуляторы)\n"
    "Навыки: Автоматизация технологических процессов АСУ ТП Автоматизация SCADA"
)
RU_CV_DEVOPS = (
    "Ищет работу на должность: Системный администратор\n"
    "Заработная плата: 29000 руб.\n"
    "Город, переезд, командировки: Советск (Калининградская область) , не готов к переезду , не готов к командировкам\n"
    "График: гибкий график, полный день, сменный график, вахтовый метод, удаленная работа\n"
    "Опыт работы: Опыт работы 16 лет 10 месяцев  Август 2010 — по настоящее время 8 лет 10 месяцев МАОУ "
    '"СОШ № 1 г.Немана" Системный администратор Обслуживание ПК,установка ПО, ремонт, периферийной техники, '
    'Интернет локальная сеть.  Август 2002 — Август  2010 8 лет 1 месяц ТС "ВЕСТЕР-ИНФО" Старший продавец, '
    "директор отдела Продажи компьютерной техники\n"
    "Образование и ВУЗ: Неоконченное высшее образование 2000  Балтийская государственная академия "
    "рыбопромыслового флота, Калининград судоводительский"
)
RU_VAC_DEVOPS_1 = (
    "Должность: Системный администратор\n"
    "Заработная плата: от 110 000 до 135 000 ₽ на руки\n"
    "Город:  Москва, Профсоюзная улица, 93к4\n"
    "Требуемый опыт работы: более 6 лет\n"
    "Описание: опыт работы от 6 лет, высшее образование. Профессиональные требования: Высшее образование "
    "(техническое); Профессиональные знания MS Windows 10/11, MS Office, MS Windows Server 2012 R2, MS SQL "
    "Server, Active Directory, GPO, DNS, DHCP; Опыт работы с гипервизорами, в частности с VMware ESXi; "
    "Опыт написания (программирования) скриптов – cmd, PowerShell, bash и т.д.; Опыт работы с 1С 8.х; "
    "Технический английский.\n"
    "Навыки: Администрирование серверов Windows Active Directory Английский — B1 — Средний"
)
RU_CV_ELECTRO = (
    "Ищет работу на должность: кабельщик-спайщик,электромеханик связи\n"
    "Заработная плата: 55000 руб.\n"
    "Город, переезд, командировки: Москва , не готов к переезду , готов к командировкам\n"
    "Опыт работы: Опыт работы 18 лет 3 месяца  Кабельщик-спайщик (бригадир) -Монтаж обслуживание и ремонт "
    "кабельных линий связи -работа со сварочным аппаратом и оптическим рефлектометром. - 4 группа по "
    "электробезопасности\n"
    "Последняя/нынешняя должность: Кабельщик-спайщик (бригадир)\n"
    "Образование и ВУЗ: Среднее специальное образование 2001 Чебоксарский техникум связи"
)
RU_VAC_ELECTRO_1 = (
    "Должность: Кабельщик монтаж кабельных линий\n"
    "Заработная плата: до 110 000 ₽ до вычета налогов\n"
    "Требуемый опыт работы: 1–3 года\n"
    "Описание: Требования:  Профильное образование; Опыт работы от 3-х лет; Группа допуска III, IV, V до и "
    "выше 1000В; Обязателен опыт работы по монтажу ТП, прокладке КЛ"
)
RU_VAC_SALES_2 = (
    "Должность: Менеджер по продажам образования по Искусственному Интеллекту (удаленно)\n"
    "Заработная плата: до 300 000 ₽ на руки\n"
    "Требуемый опыт работы: 1–3 года\n"
    "Описание: Опыт работы в продажах от 2-х лет;  Знание amoCRM (желательно). Проведение Zoom презентаций с "
    "клиентами и звонки с целью продажи;  Заполнение отчётности в AmoCrm; Выполнение поставленных показателей "
    "плана продаж"
)
RU_VAC_C_3 = (
    "Должность: Программист C/C++\n"
    "Описание: Требования:  знание принципов объектно-ориентированного программирования хорошее знание С/C++ "
    "знание WinAPI, технологии COM, базовое владение SQL, опыт работы с реляционными СУБД желательно знание .Net"
)

ALL_TEXTS = [
    PT_JOB,
    EN_JOB,
    ES_JOB,
    RU_CV_ASU,
    RU_VAC_ASU_2,
    RU_VAC_ASU_3,
    RU_CV_DEVOPS,
    RU_VAC_DEVOPS_1,
    RU_CV_ELECTRO,
    RU_VAC_ELECTRO_1,
    RU_VAC_SALES_2,
    RU_VAC_C_3,
]


def _assert_quotes(text: str, found: dict[str, Evidence]) -> None:
    for name, ev in found.items():
        assert ev.skill == name
        assert ev.category in S.CATEGORIES
        assert ev.quote and text[ev.start : ev.start + len(ev.quote)] == ev.quote, (name, ev)
        assert ev.end == ev.start + len(ev.quote)


# --- taxonomy ------------------------------------------------------------------------------------


def test_taxonomy_is_large_consistent_and_unambiguous():
    tax = S.load_taxonomy()
    assert len(tax) >= 300
    seen: dict[str, str] = {}
    for skill in tax.skills.values():
        assert skill.name == skill.name.strip().lower()
        assert skill.category in S.CATEGORIES
        assert all(parent in tax.skills for parent in skill.implies)
        assert skill.name not in tax.parents[skill.name]
        for alias in skill.aliases:
            key = S.fold(alias.lstrip("~"))
            assert seen.setdefault(key, skill.name) == skill.name, (
                f"alias {alias!r} in {seen[key]!r} and {skill.name!r}"
            )
    for name in (
        "python",
        "sap fi",
        "project management",
        "excel",
        "industrial automation",
        "plc",
        "scada",
        "electrical safety group",
        "sales",
        "negotiation",
        "communication",
        "1c",
        "amocrm",
    ):
        assert name in tax.skills
    categories = {s.category for s in tax.skills.values()}
    assert categories == set(S.CATEGORIES)


def test_taxonomy_errors_are_reported(tmp_path):
    bad = tmp_path / "t.json"
    bad.write_text(json.dumps({"skills": [{"skill": "a", "category": "hard", "aliases": ["a"], "implies": ["b"]}]}))
    with pytest.raises(ValueError, match="unknown skill"):
        S.load_taxonomy(bad)
    bad.write_text(json.dumps({"skills": [{"skill": "a", "category": "nope", "aliases": ["a"]}]}))
    with pytest.raises(ValueError, match="category"):
        S.load_taxonomy(bad)
    cyc = tmp_path / "c.json"
    cyc.write_text(
        json.dumps(
            {
                "skills": [
                    {"skill": "a", "category": "hard", "aliases": ["aaa"], "implies": ["b"]},
                    {"skill": "b", "category": "hard", "aliases": ["bbb"], "implies": ["a"]},
                ]
            }
        )
    )
    with pytest.raises(ValueError, match="cycle"):
        S.load_taxonomy(cyc)


def test_custom_taxonomy_file(tmp_path):
    path = tmp_path / "t.json"
    path.write_text(
        json.dumps(
            {
                "skills": [
                    {
                        "skill": "widgets",
                        "category": "domain",
                        "aliases": ["widget*", "виджет*"],
                        "implies": ["gadgets"],
                    },
                    {"skill": "gadgets", "category": "domain", "aliases": ["gadget"]},
                ]
            }
        ),
        encoding="utf-8",
    )
    tax = S.load_taxonomy(path)
    found = extract_skills("Experiência com Widgets e виджетами", taxonomy=tax)
    assert list(found) == ["gadgets", "widgets"]
    assert found["gadgets"].quote == found["widgets"].quote == "Widgets"


# --- the package: one module per extractor, tables as data --------------------------------------


def test_source_files_are_every_module_and_table():
    root = Path(S.__file__).parent
    files = {p.relative_to(root).as_posix() for p in S.source_files()}
    modules = {
        "__init__.py",
        "tables.py",
        "taxonomy.py",
        "skills.py",
        "job_requirements.py",
        "kind.py",
        "languages.py",
        "experience.py",
        "titles.py",
        "education.py",
        "location.py",
        "pay.py",
        "electrical.py",
        "skill_use.py",
        "employers.py",
    }
    tables = {
        "cities",
        "currencies",
        "education",
        "languages",
        "months",
        "numbers",
        "sap_modules",
        "scales",
        "seniority",
        "job_sections",
        "cv_lines",
    }
    assert files == modules | {"skills_taxonomy.json"} | {f"data/{name}.json" for name in tables}
    for name in tables:
        data = json.loads((root / "data" / f"{name}.json").read_text(encoding="utf-8"))
        assert isinstance(data["about"], str) and len(data) > 1, name
    assert S.LEVELS["language"][4] == "fluent/native" and sorted(S.LEVELS["education"]) == list(range(6))
    assert sorted(S.LEVELS) == ["education", "language", "seniority"]


def test_profile_cache_digest_follows_every_facts_file(tmp_path, monkeypatch):
    """A change to any extractor module or table drops the matcher's cached CV profiles."""
    from recruta.screening import pool

    root = Path(S.__file__).parent
    copies = []
    for path in S.source_files():
        copy = tmp_path / path.relative_to(root)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(path.read_bytes())
        copies.append(copy)
    monkeypatch.setattr(S, "source_files", lambda: list(copies))
    pool._extraction_digest.cache_clear()
    try:
        base = pool._extraction_digest()
        for copy in copies:
            original = copy.read_bytes()
            copy.write_bytes(original + b" ")
            pool._extraction_digest.cache_clear()
            assert pool._extraction_digest() != base, copy.name
            copy.write_bytes(original)
        pool._extraction_digest.cache_clear()
        assert pool._extraction_digest() == base
    finally:
        pool._extraction_digest.cache_clear()


def test_fold_keeps_length_and_strips_accents():
    text = "Inglês AVANÇADO, São Paulo — Ёлка С++ 1С"
    folded = S.fold(text)
    assert len(folded) == len(text)
    assert folded == "ingles avancado, sao paulo - елка c++ 1c"


# --- skills: one snippet per language ------------------------------------------------------------


def test_portuguese_decision_competencies():
    found = extract_skills(PT_JOB)
    _assert_quotes(PT_JOB, found)
    for name in ("sap fi", "s/4hana", "sap", "excel", "power bi", "communication", "proactivity", "autonomy"):
        assert name in found, name
    assert found["sap fi"].quote == "SAP FI"
    assert found["s/4hana"].quote == "S/4HANA"
    assert found["sap"].quote == "SAP FI"  # implied parent carries the child's evidence
    assert found["excel"].quote == "Excel avançado"
    assert found["communication"].category == "soft"
    assert "english" not in found  # languages go through language_levels


def test_english_job_description():
    found = extract_skills(EN_JOB)
    _assert_quotes(EN_JOB, found)
    for name in ("python", "django", "postgresql", "aws", "docker", "kubernetes", "ci/cd", "sql", "cloud"):
        assert name in found, name
    assert found["sql"].quote == "PostgreSQL"  # implied by postgresql
    assert found["django"].category == "hard"
    assert found["aws"].category == "tool"


def test_spanish_snippet():
    found = extract_skills(ES_JOB)
    _assert_quotes(ES_JOB, found)
    assert {"java", "spring boot", "spring", "teamwork"} <= set(found)
    assert found["spring"].quote == "Spring Boot"


def test_russian_asu_tp_vacancies_yield_automation_skills():
    for text in (RU_VAC_ASU_2, RU_VAC_ASU_3):
        found = extract_skills(text)
        _assert_quotes(text, found)
        assert {"industrial automation", "plc", "scada"} <= set(found), sorted(found)
    v2 = extract_skills(RU_VAC_ASU_2)
    assert {
        "plc programming",
        "hmi",
        "industrial protocols",
        "commissioning",
        "autocad",
        "cad",
        "diligence",
        "responsibility",
    } <= set(v2)
    assert v2["plc"].quote == "Программирование ПЛК"
    v3 = extract_skills(RU_VAC_ASU_3)
    assert v3["industrial automation"].quote == "АСУ ТП"
    assert {"frequency converters", "hmi"} - set(v3) == {"hmi"}  # no operator panels named in this excerpt
    assert v3["scada"].quote in ("SCADA-системах", "WinCC")


def test_russian_cv_skills_and_inflection():
    found = extract_skills(RU_CV_ASU)
    _assert_quotes(RU_CV_ASU, found)
    assert {
        "industrial automation",
        "instrumentation",
        "technical drawings",
        "scada",
        "plc",
        "commissioning",
        "industrial protocols",
        "tcp/ip",
    } <= set(found)
    assert found["technical drawings"].quote == "чертежами"
    for form in ("продажи", "продажам", "продажах", "Продаж"):
        assert extract_skills(f"опыт в {form} b2b")["sales"].quote == form
    sales = extract_skills(RU_VAC_SALES_2)
    assert {"sales", "amocrm", "crm", "presentation skills", "reporting"} <= set(sales)
    assert sales["crm"].quote == "amoCRM"


def test_cyrillic_c_and_1c():
    found = extract_skills(RU_VAC_C_3)
    assert {"c", "c++", "oop", "sql", "databases", ".net"} <= set(found)
    assert found["c"].quote == "C"  # the Latin one in the title comes first
    found = extract_skills("хорошее знание С/C++ и С#; 1С:Предприятие")
    assert found["c"].quote == "С"  # Cyrillic letter, still an exact substring
    assert {"c++", "c#", "1c", "erp"} <= set(found)


def test_sap_module_lists():
    text = "Consultor SAP FI/CO, sap pp/qm e SAP MM, SD e PP"
    found = extract_skills(text)
    _assert_quotes(text, found)
    assert {"sap fi", "sap co", "sap pp", "sap qm", "sap mm", "sap sd", "sap"} <= set(found)
    assert found["sap co"].quote == "CO"


def test_strict_short_names_need_a_list_context():
    assert {"c", "c++"} <= set(extract_skills("C/C++"))
    assert {"go", "rust"} <= set(extract_skills("Стек: C++, GO/Rust, NodeJS"))
    assert "go" in extract_skills("Go (golang)")
    assert "go" in extract_skills("experiência com Golang")
    assert {"python", "r", "sql"} <= set(extract_skills("Python, R e SQL"))
    assert "r" in extract_skills("linguagem R para estatística")
    assert "r" in extract_skills("R/RStudio")


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("javascript, typescript e node.js", "java"),
        ("Java Script developer", "java"),
        ("Excelente comunicação e trabalho em equipe", "excel"),
        ("go to market strategy and go-live support", "go"),
        ("R$ 5.000,00 por mês", "r"),
        ("Letra C do anexo", "c"),
        ("SAPATOS e sapateiro", "sap"),
        ("Компания работает уже 5 лет, аудитория 66 млн", "audit"),
        ("Заработная плата до вычета налогов", "taxes"),
        ("рекламации клиентов", "advertising"),
        ("MasterSCADA", "r"),
        ("trabalho no SQL Server", "nosql"),
    ],
)
def test_no_false_positives(text, absent):
    assert absent not in extract_skills(text)


def test_excel_and_communication_together():
    found = extract_skills("Excelente comunicação; Excel avançado")
    assert found["communication"].quote == "comunicação"
    assert found["excel"].quote == "Excel avançado"


def test_no_skills_gives_empty_dict():
    assert extract_skills("") == {}
    assert extract_skills("Lorem ipsum dolor sit amet, consectetur adipiscing elit.") == {}
    assert extract_skills("Olá, tudo bem? Привет, как дела?") == {}


def test_quotes_are_exact_and_deterministic():
    for text in ALL_TEXTS:
        first = extract_skills(text)
        _assert_quotes(text, first)
        assert extract_skills(text) == first
        assert list(extract_skills(text)) == list(first)
        assert [e.start for e in first.values()] == sorted(e.start for e in first.values())
    fresh = S.load_taxonomy(S.TAXONOMY_PATH)  # recompiled from the file, same answers
    assert extract_skills(RU_VAC_DEVOPS_1, taxonomy=fresh) == extract_skills(RU_VAC_DEVOPS_1)


def test_evidence_is_frozen_and_keyword_only():
    ev = Evidence(skill="python", category="hard", quote="Python", start=3)
    with pytest.raises(AttributeError):
        ev.start = 4  # type: ignore[misc]
    with pytest.raises(TypeError):
        Evidence("python", "hard", "Python", 3)  # type: ignore[misc]


# --- requirements ---------------------------------------------------------------------------------


def test_requirements_split_and_dedup():
    text = (
        "Requisitos:\n- Experiência com SAP FI\n- Inglês avançado; Superior completo\n• Python\n"
        "* Docker\n1. Kubernetes 2. Terraform\n- python\n\n   \nCompetências comportamentais:\n• Boa comunicação."
    )
    assert requirements(text) == [
        "Experiência com SAP FI",
        "Inglês avançado",
        "Superior completo",
        "Python",
        "Docker",
        "Kubernetes",
        "Terraform",
        "Boa comunicação",
    ]
    assert requirements("") == []


def test_requirements_inline_russian_bullets():
    reqs = requirements(RU_VAC_ASU_2)
    assert "Программирование ПЛК на языках программирования стандарта МЭК 61131-3 (ST, SFC, FBD, LD)" in reqs
    assert "Удаленный формат работы не рассматриваем" in reqs
    assert all(r == r.strip() and r for r in reqs)
    assert len(reqs) == len({S.fold(r) for r in reqs})


# --- language of the text / language levels ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (PT_JOB, "pt"),
        (EN_JOB, "en"),
        (ES_JOB, "es"),
        (RU_CV_ASU, "ru"),
        ("Опыт работы", "ru"),
        ("We are looking for a developer with experience in the cloud", "en"),
        ("Buscamos un desarrollador con experiencia en el sector", "es"),
        ("Procuramos um desenvolvedor com experiência em nuvem para atuar no projeto", "pt"),
        # grammar, not words: "-ciones" unaccented, the Spanish perfect, a glued pronoun, a plural of a cue
        ("Número de contrataciones de Boreal Logística S.A.", "es"),
        ("numero de contratacoes da Boreal Logistica S.A.", "pt"),
        ("Muéstrame cuántas candidaturas ha gestionado Ana", "es"),
        ("Mostre-me as candidaturas da Ana", "pt"),
        ("Reclutadores ordenados por número de candidaturas", "es"),
        ("estado actual de Ana", "es"),  # Portuguese writes "atual"
        ("estado atual da Ana", "pt"),
    ],
)
def test_detect_language(text, lang):
    assert detect_language(text) == lang


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Inglês avançado", {"english": 3}),
        ("Inglês: Fluente", {"english": 4}),
        ("nivel_ingles: Técnico\nnivel_espanhol: Nenhum", {"english": 2, "spanish": 0}),
        ("english B2/C1", {"english": 3}),
        ("Upper-intermediate English", {"english": 3}),
        ("Английский уровня Upper - Intermediate", {"english": 3}),
        ("английский — B1", {"english": 2}),
        ("Английский язык: читаю профессиональную литературу", {"english": 2}),
        ("inglés intermedio", {"english": 2}),
        ("Spanish C2, English A2", {"english": 1, "spanish": 4}),
        ("Idiomas: Espanhol básico, inglês avançado", {"english": 3, "spanish": 1}),
        ("fluent English and basic Spanish", {"english": 4, "spanish": 1}),
        ("Знание языков Русский — Родной Английский — A1 — Начальный", {"english": 1}),
        ("Inglês para reuniões com equipes globais", {}),
        ("Python, SQL", {}),
    ],
)
def test_language_levels(text, expected):
    assert language_levels(text) == expected


# --- years of experience --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "job", "expected"),
    [
        ("Опыт работы 3 года 11 месяцев", False, 3.9),
        (RU_CV_ASU, None, 3.9),
        (RU_CV_DEVOPS, None, 16.8),
        ("Profissional com mais de 10 anos de experiência em consultoria", False, 10.0),
        ("10 anos em SAP", False, 10.0),
        ("5+ years of Python", None, 5.0),
        ("Experiencia de 3 años y 6 meses en ventas", False, 3.5),
        ("опыт работы от 3 лет", True, 3.0),
        ("Опыт работы в продажах от 2-х лет", True, 2.0),
        ("Опыт работы на аналогичной позиции от года", True, 1.0),
        ("Experiência mínima de 2 anos com Java", True, 2.0),
        ("At least 3 years of experience with AWS", True, 3.0),
        ("Требуемый опыт работы: 1–3 года", True, 1.0),
        (RU_VAC_ELECTRO_1, None, 1.0),  # the hh.ru field wins over "от 3-х лет" in the text
        (RU_VAC_DEVOPS_1, None, 6.0),
        (RU_VAC_ASU_2, None, 0.0),  # "не требуется"
        ("Пол, возраст: Мужчина ,  29 лет , родился 9 июля 1989", False, None),
        ("Empresa fundada há 20 anos", False, None),
        # an age word only makes the number right after it an age; inside another word it is nothing
        ("6 años de experiencia (2017–presente) en una sociedad anónima, 3 años como líder", False, 6.0),
        ("6 anos de experiência em controle de qualidade", False, 6.0),
        ("6 years of experience managing storage (2017-present)", False, 6.0),
        ("Edad: 29 años, 5 años de experiencia", False, 5.0),
        ("Idade: 35 anos", False, None),
        ("I am 30 years old", False, None),
        ("Desde 2017 trabajo con React (6 años)", False, 6.0),
    ],
)
def test_years_of_experience(text, job, expected):
    assert years_of_experience(text, job=job) == expected


def test_years_derived_from_date_ranges():
    from datetime import date

    cv = "empresa a – 04/2016 a 01/2018\nempresa b – 09/2012 a 12/2015\nempresa c – 01/2019 a atual\n(2023)"
    # 22 + 40 + 60 months; "atual" = the month the CV is read (given here, so the test does not age)
    assert years_of_experience(cv, job=False, today=date(2023, 12, 1)) == pytest.approx(10.2)
    # a year written later than "today" still counts up to it
    assert years_of_experience(cv, job=False, today=date(2020, 1, 1)) == pytest.approx(10.2)
    assert years_of_experience(cv, job=False, today=date(2026, 12, 1)) == pytest.approx(13.2)
    # "jan/2022 até hoje", "desde 2015" next to work; not "casado desde 2015"
    assert years_of_experience("Nuvem Saúde — jan/2022 até hoje", job=False, today=date(2026, 12, 1)) == 5.0
    assert years_of_experience("Desde 2015 atuo como analista de negócios.", job=False, today=date(2026, 12, 1)) == 12.0
    assert years_of_experience("Casado desde 2015.", job=False, today=date(2026, 12, 1)) is None
    spans = S.date_ranges(cv, today=date(2023, 12, 1))
    assert [cv[s:e] for s, e, _, _ in spans] == ["04/2016 a 01/2018", "09/2012 a 12/2015", "01/2019 a atual"]
    assert spans[2][2:] == (2019 * 12, 2023 * 12 + 11)


# --- seniority ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Estagiário de TI", 0),
        (RU_VAC_ASU_2, 0),  # "Тип занятости: Стажировка" in the header
        ("Analista de Suporte Jr", 1),
        ("Начинающий системный администратор", 1),
        ("consultor sap pp/qm pleno\n\nkarina machado almeida", 2),
        ("Analista de Sistemas", 2),
        ("Системный аналитик", 2),
        ("Analista Sênior", 3),
        ("Ведущий инженер", 3),
        ("DBA SQL Server Especialista", 4),
        ("Tech Lead Java", 4),
        (RU_CV_ELECTRO, 4),  # "(бригадир)"
        ("Руководитель ИТ-проектов", 5),
        ("Senior Manager", 5),
        ("Gerente de Projetos de TI", 5),
        ("Менеджер по продажам", None),
        ("Desenvolvedor PL/SQL", None),
        # a role named "manager" and "lead" as a verb are no levels: the title's level word is
        ("We are hiring a Senior Frontend Engineer to lead the development of our consumer-facing web", 3),
        ("We are looking for a Senior Product Manager to drive the strategy and execution of our", 3),
        ("Gerente de Produto Pleno", 2),
        ("You will lead a team of five. Backend developer", None),
        ("Lead Frontend Engineer", 4),
        (RU_CV_ASU, None),
    ],
)
def test_seniority(text, expected):
    assert seniority(text) == expected


def test_seniority_explicit_level_beats_role_word():
    assert seniority("titulo_vaga: Analista de Sistemas\nnivel profissional: Júnior") == 1


def test_seniority_ignores_past_jobs():
    cv = (
        "analista de sistemas sênior\n\nhistórico profissional\nempresa a – 2019 a atual\n"
        "cargo: analista de sistemas sênior\nempresa b – 2012 a 2018\ncargo: analista de sistemas jr"
    )
    assert seniority(cv) == 3
    assert seniority("técnico de campo\n\ncargo: técnico de campo\ncargo: técnico de campo jr") is None


def test_seniority_title_beats_body():
    text = "Título: Desenvolvedor Júnior\n\nReporta ao gerente de TI e ao head de engenharia."
    assert seniority(text) == 1


# --- education ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "job", "expected"),
    [
        ("Образование и ВУЗ: Высшее образование 2014", False, 4),
        ("Образование и ВУЗ: Неоконченное высшее образование 2000", False, 3),
        ("Образование и ВУЗ: Среднее специальное образование 2001", False, 2),
        (RU_CV_DEVOPS, None, 3),
        (RU_VAC_DEVOPS_1, None, 4),
        ("Требования: Высшее профессиональное среднее профессиональное (техническое) образование", True, 2),
        ("Требования: Образование среднее/средне специальное", True, 1),
        ("nivel_academico: Ensino Superior Completo", True, 4),
        ("Ensino Superior Incompleto", False, 3),
        ("Ensino Superior Cursando", False, 3),
        ("Ensino Técnico Completo", False, 2),
        ("Ensino Médio Completo", False, 1),
        ("Bachelor's degree required", True, 4),
        ("MBA em Gestão (cursando); Bacharel em Administração", False, 4),
        ("Mestrado em Ciência da Computação", False, 5),
        ("Магистр, МГУ", False, 5),
        ("Ensino Superior Completo; desejável pós-graduação", True, 4),
        ("продукт высшего качества; MasterSCADA", None, None),
        (
            "formação acadêmica\nadministração de empresas, faculdade de informática prisma – conclusão em 2009",
            False,
            4,
        ),
        ("formação\nciência da computação, universidade federal do rio grande do sul – cursando", False, 3),
        ("Ensino Médio Completo\nCurso livre na Universidade Aberta", False, 1),  # explicit level wins
    ],
)
def test_education_level(text, job, expected):
    assert education_level(text, job=job) == expected


# --- locations ------------------------------------------------------------------------------------


def test_locations_russian_fields_and_relocation():
    assert locations(RU_CV_ASU) == {"moscow", "relocate"}
    # "не готов к переезду": no relocate; only the labelled city (not the university's Калининград)
    assert locations(RU_CV_DEVOPS) == {"sovetsk", "remote"}
    assert locations(RU_CV_ELECTRO) == {"moscow"}
    assert locations(RU_VAC_ASU_3) == {"belgorod", "relocate"}  # the job offers relocation
    assert "remote" not in locations(RU_VAC_ASU_2)  # "Удаленный формат работы не рассматриваем"
    assert locations("Москве, Санкт-Петербурге, Новосибирска, Калининград") >= {
        "moscow",
        "saint petersburg",
        "novosibirsk",
        "kaliningrad",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vaga 100% remota, base em São Paulo - SP", {"são paulo", "remote"}),
        ("Home office; Rio de Janeiro", {"rio de janeiro", "remote"}),
        ("Acesso remoto a servidores; Belo Horizonte", {"belo horizonte"}),
        ("Disponibilidade para mudança: sim. Curitiba", {"curitiba", "relocate"}),
        ("Sem disponibilidade para mudança. Recife", {"recife"}),
        ("Não tenho disponibilidade para mudança", set()),
        ("Willing to relocate to New York", {"new york", "relocate"}),
        ("Not willing to relocate", set()),
        ("Teletrabajo desde Madrid o Buenos Aires", {"madrid", "buenos aires", "remote"}),
        ("Maria Santos, Vitória Lima", set()),  # surnames/names are not cities without a state
        ("Santos/SP e Vitória - ES", {"santos", "vitória"}),
    ],
)
def test_locations(text, expected):
    assert locations(text) == expected


# --- salary ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Заработная плата: 70000 руб.", (70000.0, 70000.0, "RUB")),
        ("Заработная плата: от 80 000 ₽ на руки", (80000.0, None, "RUB")),
        ("Заработная плата: от 70 000 до 120 000 ₽ до вычета налогов", (70000.0, 120000.0, "RUB")),
        ("Заработная плата: до 65 000 ₽ до вычета налогов", (None, 65000.0, "RUB")),
        ("Заработная плата: Salary not specified", (None, None, None)),
        ("Pretensão salarial: R$ 6.000,00", (6000.0, 6000.0, "BRL")),
        ("Contratação PJ R$ 72,00/hora", (72.0, 72.0, "BRL/h")),
        ("Salary: $120k-$150k", (120000.0, 150000.0, "USD")),
        ("remuneracao: 6.600,00", (6600.0, 6600.0, "BRL")),
        ("Faixa salarial: R$ 5.000 a R$ 7.500", (5000.0, 7500.0, "BRL")),
        ("Salário: 5 a 7 mil reais", (5000.0, 7000.0, "BRL")),
        ("Зарплата от 100 до 150 тыс. руб.", (100000.0, 150000.0, "RUB")),
        ("Salary: USD 1.2 million", (1200000.0, 1200000.0, "USD")),
        ("remuneracao: R$ 4.000.00 mensal", (4000.0, 4000.0, "BRL")),  # a real applicant's typo: was a ValueError
        ("Salary: $12,500,50", (12500.5, 12500.5, "USD")),
        ("Python, Django, 5 anos", (None, None, None)),
    ],
)
def test_salary(text, expected):
    assert salary(text) == expected


def test_salary_in_real_vacancy():
    assert salary(RU_VAC_ASU_3) == (70000.0, 120000.0, "RUB")
    assert salary(RU_VAC_SALES_2) == (None, 300000.0, "RUB")


# --- electrical safety group ----------------------------------------------------------------------


def test_electrical_safety_group():
    assert electrical_safety_group(RU_CV_ELECTRO) == 4
    assert electrical_safety_group(RU_VAC_ELECTRO_1) == 5
    assert electrical_safety_group("Наличие группы по электробезопасности не ниже 3") == 3
    assert electrical_safety_group("группа поддержки") is None
    assert "electrical safety group" in extract_skills(RU_VAC_ELECTRO_1)
    assert "high voltage" in extract_skills(RU_VAC_ELECTRO_1)


# --- job vs CV ------------------------------------------------------------------------------------


def test_looks_like_job():
    for job in (RU_VAC_ASU_2, RU_VAC_ASU_3, RU_VAC_DEVOPS_1, RU_VAC_ELECTRO_1, PT_JOB):
        assert S.looks_like_job(job)
    for cv in (RU_CV_ASU, RU_CV_DEVOPS, RU_CV_ELECTRO):
        assert not S.looks_like_job(cv)


# --- the llmmatch files themselves (skipped when the data set is absent) ---------------------------

needs_llmmatch = pytest.mark.skipif(not (LLMMATCH / "matches").is_dir(), reason="llmmatch data not present")


def _llmmatch_pairs() -> list[tuple[str, int, str, str]]:
    pairs = []
    for path in sorted((LLMMATCH / "matches").glob("*.txt")):
        lines = path.read_text(encoding="utf-8").splitlines()
        first = next(i for i, line in enumerate(lines) if line.startswith("***** vaca"))
        cv = "\n".join(lines[:first])
        blocks: list[list[str]] = []
        for line in lines[first:]:
            if re.match(r"\*\*\*\*\* vaca\w* \d+", line):
                blocks.append([])
            else:
                blocks[-1].append(line)
        for block in blocks:
            score = int(re.match(r"\*\*\*\*\* Оценка (\d+)/10", block[0]).group(1))
            pairs.append((path.stem, score, cv, "\n".join(block[1:])))
    return pairs


@needs_llmmatch
def test_llmmatch_pairs_parse_and_extract():
    pairs = _llmmatch_pairs()
    assert len(pairs) == 18
    for stem, _score, cv, vacancy in pairs:
        assert S.looks_like_job(vacancy) and not S.looks_like_job(cv)
        for text in (cv, vacancy):
            found = extract_skills(text)
            assert found, stem
            _assert_quotes(text, found)
        assert years_of_experience(cv, job=False) is not None
        assert years_of_experience(vacancy, job=True) is not None
        assert education_level(cv, job=False) in (2, 3, 4)
        assert locations(cv) - {"remote", "relocate"}
    asu_vacancies = [extract_skills(v) for stem, _, _, v in pairs if stem == "asu_tp"]
    assert all("industrial automation" in f for f in asu_vacancies)
    assert all({"plc", "scada"} <= set(f) for f in asu_vacancies[1:])


@needs_llmmatch
def test_llmmatch_cvs_file():
    cvs = [c.strip() for c in (LLMMATCH / "CVs.txt").read_text(encoding="utf-8").split("***********") if c.strip()]
    assert len(cvs) >= 15
    for cv in cvs:
        _assert_quotes(cv, extract_skills(cv))
        assert detect_language(cv) == "ru"
        assert years_of_experience(cv) is not None
        assert education_level(cv) in (2, 3, 4, 5)
        low, high, currency = salary(cv)
        assert currency == "RUB" and low == high and low > 1000


# --- what a job asks for ----------------------------------------------------------------------------

PT_RETAIL_JOB = """Engenheiro(a) de Dados Sênior — Varejo Nacional
Sobre a empresa: uma das maiores redes de varejo do país, com vendas online e lojas físicas, migrando para a nuvem.
Responsabilidades
- Construir pipelines de dados em Python e Spark
- Atuar em projeto de cliente do setor telecomunicações
Requisitos
- SQL avançado
- Domínio de Azure e Helm
Desejável: Kafka
Benefícios: plano de saúde, bônus por vendas
Local: São Paulo"""

EN_RETAIL_JOB = """Senior Data Engineer — Retail & E-commerce
About us
We are a leading retail group with 400 stores and a growing online sales channel, moving to the cloud.
What you'll do
- Build pipelines in Python and Spark
- Work for a client in the telecommunications sector
Requirements
- Strong SQL
- Azure and Helm
Nice to have
- Kafka
Benefits
- Health insurance, sales bonus
Location: London"""

ES_RETAIL_JOB = """Ingeniero/a de Datos Sénior - Sector Retail
Sobre nosotros: somos una empresa líder del sector retail y telecomunicaciones, migrando a la nube.
Funciones:
- Desarrollar pipelines en Python y Spark para un cliente del sector telecomunicaciones
Requisitos:
- SQL avanzado
- Dominio de Azure y Helm
- Se valorará conocimiento de Kafka
Ofrecemos: seguro médico, bonus por ventas
Ubicación: Madrid"""


@pytest.mark.parametrize("job", [PT_RETAIL_JOB, EN_RETAIL_JOB, ES_RETAIL_JOB], ids=["pt", "en", "es"])
def test_job_skills_come_from_requirement_lines_only(job):
    lines = S.job_lines(job)
    kinds = {line.kind for line in lines}
    assert {"title", "heading", "company", "responsibility", "requirement", "preferred", "benefits", "field"} <= kinds
    assert lines[0].kind == "title"
    for line in lines:
        assert job[line.start : line.end] == line.text
    asked = S.job_skills(job)
    # the title's, the company's, the benefits' and the client's sector words are not requirements
    assert not {"retail", "sales", "e-commerce", "cloud", "telecommunications", "networking"} & set(asked)
    # only skills named directly: Helm asks for Helm (Kubernetes and Docker are implied, not asked); Azure not cloud
    assert {"python", "spark", "sql", "azure", "helm", "kafka"} <= set(asked)
    assert not {"kubernetes", "docker"} & set(asked)
    for need in asked.values():
        assert need.line.kind in S.job_requirements.SKILL_KINDS
        assert need.line.start <= need.evidence.start < need.line.end  # the quoted line names the skill
        assert need.evidence.quote in need.line.text
    assert asked["kafka"].preferred and not asked["sql"].preferred


def test_job_without_headings_reads_every_line_but_title_and_company():
    job = "Analista de Dados\nSomos uma rede de varejo.\nExperiência com SQL e Power BI; vivência com vendas."
    asked = S.job_skills(job)
    assert {"sql", "power bi", "sales"} <= set(asked) and "retail" not in asked
    assert [line.text for line in S.requirement_lines(job)] == [
        "Experiência com SQL e Power BI",
        "vivência com vendas.",
    ]


@pytest.mark.parametrize(
    ("line", "sector"),
    [
        ("Atuar em projeto de cliente do setor telecomunicações", True),
        ("Empresa do ramo de varejo", True),
        ("for a leading retail company", True),
        ("Work for a client in the telecommunications sector", True),
        ("Experiência em vendas consultivas", False),
        ("Conciliação bancária e contas a pagar", False),
    ],
)
def test_sector_words_are_not_requirements(line, sector):
    job = f"Requisitos:\n- {line}"
    named = {ev.skill for ev in S.skill_mentions(job) if ev.category == "domain"}
    assert named, line  # the line does name a domain skill...
    asked = {k for k, v in S.job_skills(job).items() if v.evidence.category == "domain"}
    assert (not asked) == sector, asked  # ...which is asked for only when it is not the sector


def test_nested_headings_inside_a_line():
    job = "Описание: Обязанности:  Наладка ПЛК и SCADA.  Требования:  Знание AutoCAD.  Условия:  ДМС, продажи билетов."
    kinds = {line.text.strip(): line.kind for line in S.job_lines(job)}
    assert kinds["Наладка ПЛК и SCADA."] == "responsibility" and kinds["Знание AutoCAD."] == "requirement"
    assert "sales" not in S.job_skills(job) and {"plc", "scada", "autocad"} <= set(S.job_skills(job))


def test_helm_is_its_own_skill():
    found = extract_skills("Helm charts no AKS")
    assert found["helm"].implied_by is None
    assert found["kubernetes"].implied_by == "helm" and found["kubernetes"].quote == "Helm charts"
    assert "helm" not in extract_skills("Kubernetes")


# --- shown in work or only listed ---------------------------------------------------------------------


def test_keyword_list_shows_nothing():
    assert S.shown_skills("React TypeScript JavaScript Redux HTML5 CSS3 Jest Webpack Git") == {}
    assert S.shown_skills("Habilidades: Java (avançado), SQL (intermediário), Docker, Kubernetes") == {}
    assert S.skill_use("Skills: React, TypeScript, Git").work == ()


@pytest.mark.parametrize(
    "text",
    [
        "Desenvolvi o checkout em React e TypeScript com estado global em Redux para o app de pagamentos.",
        "Experiencia laboral\nAcme: desarrollo del checkout con React y TypeScript",
        "Built the payments checkout in React and TypeScript for the mobile team.",
        "Python developer, 5 years with Django and PostgreSQL",
        "Инженер АСУ ТП, опыт работы 4 года: ПЛК, SCADA",
    ],
)
def test_skills_in_a_line_of_work_are_shown(text):
    shown = S.shown_skills(text)
    assert shown and set(shown) <= set(extract_skills(text))
    for ev in shown.values():
        assert text[ev.start : ev.end] == ev.quote


def test_shown_keeps_the_work_mention_not_the_list():
    cv = "Skills: React, Git\n\nExperience\nAcme 2020-2023: built the checkout in React with the payments team."
    assert extract_skills(cv)["react"].start < cv.index("built")
    assert S.shown_skills(cv)["react"].start > cv.index("built")
    assert "git" not in S.shown_skills(cv)


# --- places -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("here", "there", "near"),
    [
        ("Sevilla", "Madrid", "same country"),
        ("Ubicación: Sevilla", "Local: São Paulo", "elsewhere"),
        ("Campinas - SP", "São Paulo", "same region"),
        ("Reside en Sevilla, España", "Localização: Sevilla", "same city"),
        ("Based in London", "Location: Londres", "same city"),
        ("Rio de Janeiro", "São Paulo", "same country"),
        ("", "São Paulo", "unknown"),
    ],
)
def test_nearness_reads_places_the_same_in_every_language(here, there, near):
    assert S.nearness(locations(here), locations(there)) == near


def test_hybrid_is_not_remote():
    assert "remote" not in locations("Modelo híbrido: 2 dias remotos por semana em São Paulo")
    assert "remote" not in locations("Ofrecemos: teletrabajo parcial\nUbicación: Madrid")
    assert "remote" in locations("Vaga 100% remota")


def test_skills_inside_a_dated_job_entry_are_shown():
    cv = (
        "Tiago — Data Engineer\n\n2022–now  ModaNet, Data Engineer\n          Python, SQL, BigQuery; ELT with dbt\n\n"
        "Skills: Terraform, Kafka\n\nEducation\nMSc, 2020"
    )
    shown = S.shown_skills(cv)
    assert {"python", "sql", "bigquery", "dbt"} <= set(shown)
    assert not {"terraform", "kafka"} & set(shown)  # the skills line after the entry is still a list
    # an indexed CV has no blank lines: the next heading ends the entry
    flat = "acme – 03/2019 a atual\n- suporte n1\nhabilidades\npython, sql"
    assert "python" not in S.shown_skills(flat)


def test_data_subjects_are_not_requirements():
    for job in (
        "Requisitos:\n- relatórios de vendas e dashboards",
        "Обязанности:\n- отчётность по продажам",
        "Requirements:\n- build sales dashboards in Power BI",
    ):
        asked = S.job_skills(job)
        assert "reporting" in asked and "sales" not in asked, job
    assert "sales" in S.job_skills("Requisitos:\n- experiência em vendas e prospecção")


def test_remote_negated_a_few_words_away():
    assert locations("Ubicación: Madrid (presencial, no se ofrece teletrabajo)") == {"madrid"}
    assert locations("Não oferecemos home office") == set()


# A job pasted from a PDF or an e-mail: paragraphs hard-wrapped at ~95 characters, clauses cut mid-sentence.
WRAPPED_JOB = """We are hiring a Senior Platform Engineer to own the deployment tooling of our payments product,
working with a small team of backend engineers and the security group.

Requirements: 5+ years running production services on Linux; experience with containers via Docker and
orchestration with Kubernetes or
Nomad; strong grasp of Terraform modules, state management and drift detection on AWS and
Azure; familiarity with monitoring stacks (Prometheus, Grafana) and on-call practice.

Nice to have:
- Go
- Rust"""


def test_a_hard_wrapped_job_is_read_clause_by_clause() -> None:
    """A wrapped paragraph's physical lines are not its lines: a requirement quote is the whole clause that names
    the skill ("…orchestration with Kubernetes or\\nNomad", not "Nomad"), and a long first line ending mid-sentence
    is not a title. A bulleted list stays one item a line."""
    lines = S.job_lines(WRAPPED_JOB)
    for line in lines:
        assert WRAPPED_JOB[line.start : line.end] == line.text
    assert lines[0].kind != "title" and lines[0].text.endswith("the security group.")
    asked = S.job_skills(WRAPPED_JOB)
    assert {"docker", "kubernetes", "terraform", "aws", "azure", "prometheus", "grafana", "go", "rust"} <= set(asked)
    quote = {name: " ".join(need.line.text.split()) for name, need in asked.items()}
    assert (
        quote["kubernetes"]
        == quote["docker"]
        == ("experience with containers via Docker and orchestration with Kubernetes or Nomad")
    )
    assert quote["azure"] == quote["aws"]
    assert quote["azure"].startswith("strong grasp of Terraform") and quote["azure"].endswith("AWS and Azure")
    assert quote["grafana"] == "familiarity with monitoring stacks (Prometheus, Grafana) and on-call practice."
    assert (quote["go"], quote["rust"]) == ("Go", "Rust") and asked["go"].preferred
    # lines that are whole already are left alone: short items, or a long one followed by a capitalised one
    listed = (
        "Requisitos:\nExperiência sólida em desenvolvimento Java com Spring Boot e microsserviços\nConhecimento em SQL"
    )
    assert [line.text for line in S.job_lines(listed) if line.kind == "requirement"] == [
        "Experiência sólida em desenvolvimento Java com Spring Boot e microsserviços",
        "Conhecimento em SQL",
    ]


def test_match_quotes_a_wrapped_requirement_as_one_line() -> None:
    from recruta.screening.matching import match, profile

    cv = profile("Platform engineer, 2016–2024: ran Kubernetes clusters and Terraform on AWS.", is_job=False)
    result = match(cv, profile(WRAPPED_JOB, is_job=True), embedder=None)
    quoted = {s["skill"]: s["requirement"] for s in result.strengths}
    assert quoted["kubernetes"] == "experience with containers via Docker and orchestration with Kubernetes or Nomad"
    assert all("\n" not in item["requirement"] for item in [*result.strengths, *result.gaps])


# An hh.ru-style vacancy pasted as one paragraph (its list markers gone, its double spaces collapsed by the paste
# normaliser): headings stand mid-line, after a plain word.
RU_ONE_LINE_JOB = (
    "Должность: Менеджер по работе с клиентами\n"
    "Описание: Мы — сервис онлайн-бронирования для ресторанов, более 5 000 партнёров по всей стране. "
    "Тебе предстоит: Искать новых клиентов и проводить переговоры с владельцами ресторанов Вести базу клиентов "
    "в CRM Проводить презентации продукта Что предлагаем: Оформление по ТК РФ Обучение и наставничество "
    "от опытных коллег Корпоративные тренинги Что ждём от кандидата: Опыт продаж от года Грамотная речь "
    "Уверенный пользователь Excel"
)


def test_headings_inside_a_pasted_one_line_vacancy() -> None:
    """ "Тебе предстоит:", "Что предлагаем:" and "Что ждём от кандидата:" are headings even mid-line after a plain
    word (capitalised, as headings are): what the company offers ("наставничество", "тренинги") is no requirement."""
    from recruta.files import parse_text

    job = parse_text(RU_ONE_LINE_JOB)
    kinds = {line.text.split()[0]: line.kind for line in S.job_lines(job) if line.kind != "heading"}
    assert kinds["Искать"] == "responsibility"
    assert kinds["Оформление"] == "benefits"
    assert kinds["Опыт"] == "requirement"
    asked = S.job_skills(job)
    assert {"negotiation", "crm", "excel"} <= set(asked)
    assert not {"mentoring", "training"} & set(asked)
    assert asked["excel"].line.kind == "requirement"
    # a lower-case word before ':' mid-sentence is no heading
    plain = S.job_lines("Requisitos:\nExperiência com os seguintes requisitos: Python e SQL")
    assert [line.kind for line in plain] == ["heading", "requirement"]


def test_a_long_requirement_is_quoted_by_its_sentence() -> None:
    """A job pasted as one long line: the quote is the sentence that names the skill, cut around the mention with
    "…" if that is still long — never the whole 1,000-character paragraph."""
    from recruta.screening.matching import QUOTE_CHARS, match, profile

    filler = " ".join(f"Parágrafo sobre a empresa número {n} com muitos clientes satisfeitos." for n in range(20))
    tail = " ".join(f"item{n}" for n in range(60))
    job = profile(
        f"Descrição: {filler} Buscamos alguém com experiência sólida em Kubernetes em produção. "
        f"Lista longa sem pontos: Terraform {tail}",
        is_job=True,
    )
    result = match(profile("Trabalhei com Kubernetes e Terraform.", is_job=False), job, embedder=None)
    quoted = {s["skill"]: s["requirement"] for s in result.strengths}
    assert quoted["kubernetes"] == "Buscamos alguém com experiência sólida em Kubernetes em produção."
    assert quoted["terraform"].endswith("…") and "Terraform" in quoted["terraform"]
    assert len(quoted["terraform"]) <= QUOTE_CHARS + 2
