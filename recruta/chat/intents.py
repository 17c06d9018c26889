"""What a recruiter's message asks: one intent, found by rules first and by similarity to example questions next.

The rules are cue patterns over the folded question (lowercase, no accents), tried in a fixed order so that the
more specific reading wins ("o que perguntar na entrevista?" is an interview question even though "recomenda"
appears in it; "ela fala inglês?" is about spoken languages, not a yes/no skill check). A message no rule claims
takes the intent of its most similar example question (``data/intents.json``, embedded with the session's
embedder and cached), when that similarity reaches the embedder family's threshold; else it is ``general`` and
goes to the passage-grounded generator. Everything here is deterministic: same question, same embedder, same
intent.

Intents: ``fit``, ``technologies``, ``skill_check``, ``interview``, ``summary``, ``education``, ``experience``,
``spoken_languages``, ``location``, ``salary``, ``personal`` (age, family, notice period, start date, work permit,
contact), ``job``, ``document``, ``hires``, ``general``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from recruta import facts as sk
from recruta.text.fold import content_words, fold, wordset

__all__ = [
    "INTENTS",
    "Intent",
    "IntentData",
    "detect",
    "intent_data",
    "is_yes_no",
    "requested_count",
    "rule_intent",
    "traits_in",
]

DATA_PATH = Path(__file__).with_name("data") / "intents.json"
INTENTS = (
    "fit",
    "technologies",
    "skill_check",
    "interview",
    "summary",
    "education",
    "experience",
    "spoken_languages",
    "location",
    "salary",
    "personal",
    "job",
    "document",
    "hires",
    "general",
)


@dataclass(frozen=True, kw_only=True)
class Intent:
    """The intent of one message and how it was found (``rule``, ``similar`` or ``default``)."""

    name: str
    via: str
    score: float = 1.0  # the example similarity for ``similar``
    traits: tuple[str, ...] = ()  # competences a skill check asks about ("leadership")
    skills: tuple[str, ...] = ()  # taxonomy skills the message names ("python")


@dataclass(frozen=True, kw_only=True)
class IntentData:
    """``data/intents.json`` compiled."""

    examples: dict[str, tuple[str, ...]]
    threshold: dict[str, float]
    margin: float
    trait_cues: dict[str, re.Pattern[str]]
    trait_evidence: dict[str, re.Pattern[str]]
    languages: frozenset[str]
    frameworks: frozenset[str]
    example_rows: tuple[tuple[str, str], ...] = field(default=())  # (intent, example) in file order
    gaps_first: re.Pattern[str] | None = None  # a fit question about what the candidate lacks


@lru_cache(maxsize=1)
def intent_data() -> IntentData:
    raw: dict[str, Any] = json.loads(DATA_PATH.read_text(encoding="utf-8"))
    examples = {name: tuple(items) for name, items in raw["examples"].items()}
    unknown = set(examples) - set(INTENTS)
    if unknown:
        raise ValueError(f"{DATA_PATH}: unknown intents {sorted(unknown)}")
    traits = raw["traits"]
    return IntentData(
        examples=examples,
        threshold=dict(raw["threshold"]),
        margin=float(raw["margin"]),
        trait_cues={k: re.compile(rf"(?:{v['cue']})") for k, v in traits.items()},
        trait_evidence={k: re.compile(rf"(?:{v['evidence']})") for k, v in traits.items()},
        languages=frozenset(raw["tech"]["languages"]),
        frameworks=frozenset(raw["tech"]["frameworks"]),
        example_rows=tuple((name, ex) for name, items in examples.items() for ex in items),
        gaps_first=re.compile(raw["gaps_first"]) if raw.get("gaps_first") else None,
    )


# ---------------------------------------------------------------------------------------------------- cues
def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


_HIRES = _rx(
    r"\b(?:historic[oa]s?(?! (?:profissional|escolar|academico|laboral|professional))|contratad[oa]s (?:antes|"
    r"anteriormente|parecid|semelhant|similar)|parecid[oa]s? (?:contratad|que contratamos)|semelhantes? contratad|"
    r"similar (?:hires|candidates|people|profiles)|hired before|past hires|previous hires|already hired|"
    r"ja contratamos|contratamos (?:antes|alguem)|contratamos a alguien|contratados antes|candidatos parecidos)\b"
)
_INTERVIEW = _rx(
    r"\b(?:entrevist\w*|interview\w*|perguntas|perguntar\w*|pergunte|pergunto|questionar|"
    r"preguntas|preguntar\w*|pregunte|pregunto|questions (?:to|for|i|we|should|could|about)|questions$|ask (?:him|her|them|the candidate|about)|"
    r"should i ask|could i ask|can i ask|do i ask|to ask|roteiro|guion|script|screening[- ]call|phone[- ]screen|"
    r"grill\w*|quiz\w*|sabatin\w*)\b"
)
_LETTER = _rx(r"\b(?:carta|letter|referencias?|references?|recomendacao|recomendacion|recommendation)\b")
_FIT = _rx(
    r"\b(?:adequad[oa]s?|adequa(?:do|da|cao)?|aderen\w*|encaix\w*|apt[oa]s?|compativ\w*|compatib\w*|"
    r"perfil (?:certo|ideal|adequado|compativel|bom|esperado)|fit|fits|fitting|suitable|suited|suit|qualified|"
    r"match|matches|right (?:candidate|person|profile|fit)|match(?:es)? (?:the|this|our) (?:job|role|"
    r"position|vacancy|opening|requirements)|meets? (?:the|our|all)|cumpl\w*|idone\w*|adecuad\w*|encaj\w*|"
    r"se ajusta|sirve para|serve (?:para|pra)|atend\w* (?:a|aos|as|o|ao|bem|os|essa|esta)\b|"
    r"combina\w* com|bo[am] candidat[oa]|buen candidat[oa]|good candidate|strong candidate|worth (?:interviewing|"
    r"hiring|calling|a call|moving)|vale a pena|devo contrat\w*|deveria contrat\w*|devemos contrat\w*|contratari\w*|"
    r"should (?:we|i) (?:hire|move|advance|interview|consider|proceed)|would you hire|hire (?:him|her|them)|"
    r"contratar(?:ia)?l[oa]|contrataria|pontos? (?:fortes?|fracos?)|strengths?|weakness\w*|fortalezas?|"
    r"debilidad\w*|lacunas?|gaps?|brechas?|o que (?:lhe |the )?falta|what(?:'s| is) missing|lacking|falta\w* (?:para|a "
    r"(?:ela|ele))|nota de aderencia|score|pontuacao|puntuacion|avanc\w* (?:com|no processo|para)|seguir com|"
    r"proxima etapa|next (?:step|stage|round)|siguiente etapa|recomend(?:a|o|aria|as|ariam)\b(?! (?:perguntar|que eu "
    r"pergunte))|recommend (?:him|her|them|hiring|this)|recomiend\w*|avalia\w* (?:para|o perfil|ela|ele)|"
    r"evaluat\w* (?:for|against)|how (?:well|good)|quao (?:bem|bom|boa)|que tan bien)\b"
)
# A decision about moving the candidate on is a fit question, even when it names the interview ("avançar pra
# entrevista com o gestor?", "shortlist", "pass her to the next round", "strong hire").
_ADVANCE = _rx(
    r"\b(?:shortlist\w*|short-list\w*|short list|lista (?:final|curta|corta)|finalist\w*|pre-?selec\w*|"
    r"pre-?seleccion\w*|(?:strong|good|great|solid|safe|weak|bad|risky) hire|(?:avanc\w*|passar|pasar\w*|pasarias|"
    r"pasaria|levar|leva-l[oa]|chamar|convidar|mover|move|moving|advance|advancing|invite|aprovar|aprobar|seguir|"
    r"sigue|continuar|continue|take|put|send|pass|colocar|poner|mandar|enviar|vale a pena|vale la pena|worth)\b"
    r"(?:\W+\w+){0,4}?\W+(?:entrevist\w*|interview\w*|etapa|fase|stage|round|step|processo|proceso|process|gestor|"
    r"hiring manager|onsite|lista|list))\b"
)
# Comparing the candidate with the job ("vs a vaga", "line up with what the manager asked", "frente a la vacante").
_AGAINST_JOB = _rx(
    r"\b(?:vs\.?|versus|frente a|frente à|em relacao a|comparad\w*|compared?|against|contra|line[sd]? up|lines up|"
    r"stack(?:s)? up|measure[sd]? up|alinhad\w*|alinead\w*|aligned?|dentro ou fora|in or out|dentro o fuera)\b"
)
# Personal facts a CV seldom states: age, family, notice period, start date, work permit, contact.
_PERSONAL = _rx(
    r"\b(?:idade|age|edad|how old|quantos anos (?!de\b)(?:\w+ ){0,3}tem|cuantos anos (?!de\b)(?:\w+ ){0,3}tiene|"
    r"nasceu|nascimento|born|birth\w*|nacio|nacimiento|estado civil|marital|casad[oa]|married|solteir[oa]|"
    r"solter[oa]|filhos?|children|kids|hijos?|aviso previo|notice period|notice|preaviso|periodo de aviso|"
    r"disponibilidade para (?:comecar|iniciar|inicio|entrar)|disponivel para (?:comecar|iniciar)|comecar "
    r"(?:imediatamente|logo|agora)|start (?:date|immediately|right away|asap)|when (?:can|could) (?:he|she|they) "
    r"start|available to start|disponibilidad (?:para )?(?:empezar|incorporarse|inmediata)|incorporacion|"
    r"cuando (?:puede|podria) (?:empezar|incorporarse)|empezar (?:de inmediato|ya)|vistos?|visa|sponsorship|"
    r"sponsor|work permit|work authori[sz]ation|permiso de trabajo|autorizacao de trabalho|cidadania|citizenship|"
    r"ciudadania|nacionalidade|nationality|nacionalidad|genero|gender|religi\w*|telefone|phone|celular|whatsapp|"
    r"telefono|e-?mail|contato|contact|contacto|cnh|carteira de motorista|habilitacao|driver'?s licen[cs]e|"
    r"driving licen[cs]e|licencia de conducir|permiso de conducir|carne de conducir)\b"
)
_LANGUAGE_NAME = _rx(
    r"\b(?:ingles|english|espanhol|espanol|spanish|castellano|frances|french|alemao|aleman|german|italiano|italian|"
    r"mandarim|mandarin|chines|chinese|portugues|portuguese|japones|japanese|russo|ruso|russian)\b"
)
# What the job side asked for, in words other than "vaga/job" ("what the hiring manager asked for").
_ASKED_FOR = _rx(
    r"\b(?:hiring manager|gestor da vaga|requisitos?|requirements?|(?:asked|asks|looking) for|o que (?:o gestor|o "
    r"cliente|pedimos|precisamos|buscamos)|what (?:we|they|the client) (?:need|want|asked)|lo que (?:pedimos|"
    r"necesitamos|buscamos|pide))\b"
)
_QUESTIONS_WORD = _rx(r"\b(?:perguntas|questions|preguntas)\b")
_JOB_WORD = _rx(r"\b(?:vaga|vagas|job|role|position|puesto|vacante|vacancy|opening|oportunidade|cargo da vaga)\b")
_JOB_ONLY = _rx(
    r"\b(?:requisitos?|exig\w*|requir\w*|pede|pedem|pide|piden|ask(?:s|ing)? for|looking for|procura\w*|busca\w*|"
    r"beneficios?|benefits?|salario da vaga|quem e a empresa|qual (?:a|e a) vaga|what is the (?:job|role)|"
    r"sobre a vaga|about the (?:job|role))\b"
)
_CANDIDATE = _rx(
    r"\b(?:ele|ela|dele|dela|candidat[oa]s?|pessoa|he|she|him|her|his|they|them|their|candidate|person|"
    r"el|su|sus|la candidata|el candidato|cv|curriculo|resume|perfil)\b"
)
_INTERESTS = _rx(
    r"\b(?:interesses?|interests?|intereses?|hobbies?|hobby|passatempos?|pasatiempos?|tempo livre|free time|"
    r"tiempo libre|fora do trabalho|outside (?:of )?work|fuera del trabajo|gosta de fazer|likes to do|le gusta)\b"
)
_SALARY = _rx(
    r"\b(?:salari\w*|salary|salaries|pretensao|pretension|remunera\w*|sueldo|compensation|pay(?:ment)?|ganh(?:a|ar|o)|"
    r"earn\w*|gana|ganar|cobra\w*|quanto (?:ele |ela )?(?:quer|pede|espera)|how much (?:does|do|is|would)|"
    r"cuanto (?:quiere|pide|espera)|faixa salarial|expectativa salarial|clt|pj\b|beneficios? esperados?)\b"
)
_LOCATION = _rx(
    r"\b(?:mora|morar|moram|reside\w*|residencia|vive|vivem|lives?|living|based|cidade|city|ciudad|estado|state|"
    r"pais|country|localiza\w*|location|located|endereco|address|direccion|bairro|regiao|region|relocat\w*|"
    r"mudar(?:-se)? (?:de|para)|mudanca|se mudar|trasladarse|mudarse|remot[oa]|remotely|presencial|on-?site|"
    r"hibrid[oa]|hybrid|de onde (?:ele|ela|e)|where (?:is|does) (?:he|she|they|the candidate) (?:from|live|based)|"
    r"de donde)\b"
)
_PROGRAMMING = _rx(
    r"\b(?:linguage(?:m|ns)|lenguajes?|program\w*|coding|codes?|codif\w*|tecnolog\w*|technolog\w*|tech|stack|"
    r"frameworks?|bibliotecas?|librar(?:y|ies)|librerias?|ferramentas?|tools?|tooling|herramientas?|softwares?|"
    r"plataformas?|platforms?|competencias tecnicas|habilidades tecnicas|conhecimentos tecnicos|hard skills|"
    r"technical skills|conocimientos tecnicos|skills tecnic\w*|tecnic[oa]s?|technical|toolbox|toolkit|databases?|"
    r"bancos? de dados|bases? de datos|cloud|nuvem|nube)\b"
)
_SPOKEN = _rx(
    r"\b(?:idiomas?|linguas?(?! de programacao)|lenguas?|ingles|english|espanhol|espanol|spanish|frances|french|"
    r"alemao|aleman|german|italiano|italian|mandarim|mandarin|portugues|portuguese|japones|japanese|fluen\w*|"
    r"bilingue|bilingual|speaks?|spoken|speaking|fala|falam|habla|hablan|conversacao|conversation|toefl|ielts|cambridge)\b"
)
_LANGUAGES_WORD = _rx(r"\blanguages?\b")
_EDUCATION = _rx(
    r"\b(?:estud\w*|study\w*|studied|formacao|formad[oa]|formou|formo|gradu\w*|faculdade|universi\w*|college|"
    r"degree|diploma|escolaridade|escolaridad|educa\w*|academ\w*|curso superior|ensino|bacharel\w*|bachelor\w*|"
    r"licenciatura|licenciad[oa]|mestrado|master'?s?|maestria|doutorado|doctorado|phd|mba|pos-?graduacao|"
    r"postgrad\w*|posgrado|certifica\w*|titulo universitario|tecnologo|school|escola|carrera universitaria)\b"
)
_EXPERIENCE = _rx(
    r"\b(?:anos de (?:experiencia|carreira|mercado|atuacao)|years of (?:experience|work)|anos de experiencia|"
    r"tempo de (?:experiencia|carreira|casa|atuacao)|how long|quanto tempo|cuanto tiempo|cuantos anos|quantos anos|"
    r"how many years|trabalh(?:ou|a|ava) (?:antes|atualmente|hoje|onde|em que|na|no|em)|onde (?:ele |ela )?trabalh\w*|"
    r"worked (?:at|for|before)|where (?:has|did|does) (?:he|she|they) work|empresas?|compan(?:y|ies)|employers?|"
    r"empleos?|empregos?|emprego atual|ultimo emprego|current (?:job|role|employer|position)|last (?:job|role|"
    r"employer|position)|previous (?:jobs?|roles?|employers?)|trabajo actual|ultimo trabajo|donde trabaj\w*|"
    r"carreira|career|trajetoria|trayectoria|historico profissional|work history|employment history|"
    r"experiencia profissional|professional experience|experiencia laboral|cargos?|roles (?:has|did)|"
    r"senioridade|seniority|senior|junior|pleno|nivel (?:de senioridade|profissional)|"
    r"(?:ultimo|ultima|atual|actual|current|last|previous|anterior|presente) (?:puesto|posto|cargo|posicao|position|"
    r"role|funcao|funcion|empresa|empleador)|(?:puesto|cargo|posicao|position|role|funcao) (?:atual|actual|anterior)|"
    r"o que (?:ele |ela )?(?:fazia|faz|fez) (?:na|no|em)|what (?:has|did|does|was) (?:he|she|they) (?:been )?do(?:ing)?|"
    r"que (?:hacia|hace|hizo|ha hecho) (?:en|ella|el)|ultimos anos|last (?:few )?years|past (?:few )?years)\b"
)
_SUMMARY = _rx(
    r"\b(?:resum\w*|summar\w*|overview|visao geral|sintetiz\w*|sintese|synthes\w*|panorama|quem e|who is|quien es|"
    r"(?:fale|conte|falar|contar)(?:-me| me| mais| um pouco)*(?: sobre| de| do| da)? (?:o |a |esse |essa |este |esta )?"
    r"(?:candidat\w*|pessoa|ele|ela|perfil|profissional)|tell me (?:about|more about)|"
    r"describe (?:the candidate|him|her|them|this)|descreva (?:o|a|ele|ela)|cuentame|hablame|habla(?:me)? de|"
    r"apresent\w* (?:o|a|ele|ela)|introduce|destaques|highlights|key (?:facts|points)|principais (?:informacoes|"
    r"pontos)|perfil (?:do|da|dele|dela|geral|profissional)|profile|background|quem (?:ele|ela) e)\b"
)
_TRAIT_GENERIC = _rx(r"\b(?:soft skills?|competencias comportamentais|habilidades blandas|comportamentais)\b")
_YES_NO_TAIL = _rx(r"\b(?:ou nao|or not|o no)\b")
_WH = _rx(
    r"^(?:e |and |y |entao |so |mas |but |pero )?(?:qual|quais|que|o que|como|onde|aonde|quando|quanto|quantos|quantas|"
    r"por que|porque|quem|what|which|how|where|when|why|who|whom|whose|cual|cuales|como|donde|cuando|cuanto|"
    r"cuantos|quien|liste|list|mostre|show|cite|name|diga|tell|fale|describe|descreva|explain|explique|me (?:de|diga|"
    r"fale|mostre|conte)|give|dame|dime|enumere|enumera|resuma|summari[sz]e)\b"
)
# The verbs a yes/no question opens with, within its first words ("a Renata já liderou...", "does he know...").
_YES_NO_VERB = _rx(
    r"\b(?:tem|tinha|teve|possui|possuia|sabe|sabia|conhece|conhecia|ja|domina|dominava|trabalh\w*|atu(?:a|ou|ava)|"
    r"usa|usou|utiliza\w*|lidera\w*|liderou|gerencia\w*|gerenciou|coordena\w*|fala|falava|era|foi|esta|estava|"
    r"pode|consegue|costuma|ha|houve|existe|existem|consta|aparece|menciona|mostra|demonstra|"
    r"has|have|had|does|do|did|is|are|was|were|can|could|would|will|knows?|knew|worked|works|used|uses|led|leads|"
    r"managed|manages|speaks?|any|there|"
    r"tiene|tenia|tuvo|conoce|maneja|manejo|trabaja|trabajo|usa|uso|lidero|lidera|habla|fue|hay|puede|sabe)\b"
)
_EVIDENCE_ASK = _rx(
    r"\b(?:evidencias?|evidence|sinal|sinais|signs?|indicios?|indicat\w*|mencion\w*|menciona\w*|mention\w*|prova|"
    r"proof|comprova\w*)\b"
)
_COUNT = _rx(
    r"\b(\d{1,2}|uma|um|duas|dois|tres|quatro|cinco|seis|sete|oito|dez|one|two|three|four|five|six|seven|eight|ten|"
    r"una|uno|dos|cuatro|siete|ocho|diez)\b(?= (?:\w+ )?(?:perguntas?|questions?|preguntas?))"
)
_NUMBERS = {
    "uma": 1,
    "um": 1,
    "one": 1,
    "una": 1,
    "uno": 1,
    "duas": 2,
    "dois": 2,
    "two": 2,
    "dos": 2,
    "tres": 3,
    "three": 3,
    "quatro": 4,
    "four": 4,
    "cuatro": 4,
    "cinco": 5,
    "five": 5,
    "seis": 6,
    "six": 6,
    "sete": 7,
    "seven": 7,
    "siete": 7,
    "oito": 8,
    "eight": 8,
    "ocho": 8,
    "dez": 10,
    "ten": 10,
    "diez": 10,
}
# skills whose aliases are common words in questions ("experiência com vendas" is a skill; "dados" is not)
_NOT_SKILL_SUBJECTS = frozenset({"requirements", "reporting", "training", "teaching", "testing"})


# Function and person words a bag-of-words embedder (the "hash" fake) would match on: "qual o nome do candidato?"
# is not close to "qual o nível de inglês do candidato?". A sentence embedder reads the whole question instead.
_NOISE = wordset(
    "ele ela eles elas dele dela deles delas lhe pessoa candidato candidata candidatos candidatas cv curriculo "
    "esse essa este esta isso isto aquele aquela tem ter foi ser sao esta estao voce pode poderia me eu nos "
    "o a os as um uma de do da dos das no na nos nas em por pra para com como quando qual quais que o que "
    "he she they him her his hers their them person candidate resume this that these those does did do has have "
    "had is are was were be been can could would should will you your i we our my an at on by with from it its "
    "el la los las lo su sus este esta ese esa usted le un una del al en con para por es son tiene"
)


def similarity_text(text: str, *, embedder_name: str) -> str:
    """What is embedded to compare a message with the examples: the whole message for a sentence embedder,
    its content words but the skills it names (sorted, so the text is deterministic) for the bag-of-words fake."""
    if not embedder_name.startswith("hash"):
        return " ".join(text.split())
    from recruta.chat.evidence import direct_skills

    named = set().union(*(content_words(ev.quote) for ev in direct_skills(text).values()))  # "Docker" says no intent
    return " ".join(sorted(content_words(text) - _NOISE - named))


def folded(text: str) -> str:
    return " ".join(fold(text).casefold().replace("?", " ").replace("¿", " ").split())


def traits_in(q: str) -> tuple[str, ...]:
    """The competences (``traits`` in the data file) the folded question names."""
    return tuple(name for name, rx in intent_data().trait_cues.items() if rx.search(q))


def named_skills(text: str) -> tuple[str, ...]:
    """Taxonomy skills the question names directly (no implied parents), in order."""
    from recruta.chat.evidence import direct_skills

    return tuple(name for name in direct_skills(text) if name not in _NOT_SKILL_SUBJECTS)


def is_yes_no(q: str) -> bool:
    """A yes/no question: its last clause ("pergunta 1: fale de ...") not opened by a wh-word or an imperative,
    or closed by "ou não"."""
    clause = re.split(r"[:;]", q)[-1].strip() or q.strip()
    if _YES_NO_TAIL.search(q):
        return True
    words = clause.split()
    copula = any(w in ("e", "es") for w in words[1:3])  # "ela é fluente?", not "e com Go?" nor "Java e Kafka"
    return not _WH.search(clause) and (copula or bool(_YES_NO_VERB.search(" ".join(words[:6]))))


def requested_count(q: str) -> int | None:
    """How many questions the message asks for ("três perguntas" → 3), if it says."""
    m = _COUNT.search(q)
    if not m:
        return None
    value = m.group(1)
    return int(value) if value.isdigit() else _NUMBERS.get(value)


def rule_intent(text: str) -> Intent | None:
    """The intent a cue rule recognises, or None. The order is the precedence (see the module docstring)."""
    q = folded(text)
    skills = named_skills(text)
    traits = traits_in(q)
    hit = _rule(q, skills=skills, traits=traits)
    return None if hit is None else Intent(name=hit, via="rule", traits=traits, skills=skills)


def _rule(q: str, *, skills: tuple[str, ...], traits: tuple[str, ...]) -> str | None:
    programming = bool(_PROGRAMMING.search(q))
    if _HIRES.search(q):
        return "hires"
    if _ADVANCE.search(q):
        return "fit"
    # "how good is her English?", "consegue fazer entrevista em espanhol?": a spoken language is the subject
    if _LANGUAGE_NAME.search(q) and not programming and not _QUESTIONS_WORD.search(q):
        return "spoken_languages"
    if _INTERVIEW.search(q):
        return "interview"
    letter = bool(_LETTER.search(q)) and not re.search(r"\brecomend\w* (?:ela|ele|o candidato|a candidata|contrat)", q)
    if letter or (_INTERESTS.search(q) and not skills):
        return "document"
    if _PERSONAL.search(q) and not skills:
        return "personal"
    if _FIT.search(q) or (_AGAINST_JOB.search(q) and (_JOB_WORD.search(q) or _ASKED_FOR.search(q))):
        return "fit"
    if _SALARY.search(q) and not skills:
        return "salary"
    if (
        _JOB_WORD.search(q)
        and _JOB_ONLY.search(q)
        and not re.search(
            r"\b(?:ele|ela|dele|dela|he|she|his|her|"
            r"candidat\w*|cv|curriculo|resume)\b",
            q,
        )
    ):
        return "job"
    if (_SPOKEN.search(q) or (_LANGUAGES_WORD.search(q) and not programming)) and not programming:
        return "spoken_languages"
    if _LOCATION.search(q) and not skills and not programming:
        return "location"
    yes_no = is_yes_no(q) or bool(_EVIDENCE_ASK.search(q))
    if _EDUCATION.search(q) and not (yes_no and (skills or traits)):
        return "education"
    if traits:  # "how many people did she manage?" is answered by the evidence of leadership, whatever the form
        return "skill_check"
    if (skills or _TRAIT_GENERIC.search(q)) and yes_no:
        return "skill_check"
    if programming:
        return "technologies"
    if _EXPERIENCE.search(q) and not re.search(r"\bexperien\w* (?:com|em|en|with|in|como|as)\b", q):
        return "experience"
    if re.search(r"\bexperien\w* (?:com|em|en|with|in)\b", q) and skills:
        return "general"  # "qual a experiência com Kafka?": described from the passages
    if _SUMMARY.search(q) and not skills:
        return "summary"
    return None


# ---------------------------------------------------------------------------------------------------- similarity
def similar_intent(text: str, *, vectors: Any, embedder_name: str) -> Intent | None:
    """The intent of the most similar example when it clears the threshold and beats the next intent's best
    example by the margin. ``vectors(texts)`` returns unit vectors (the session's cached embedder)."""
    data = intent_data()
    rows = data.example_rows
    matrix = vectors([similarity_text(ex, embedder_name=embedder_name) for _, ex in rows])
    query = similarity_text(text, embedder_name=embedder_name)
    if len(query.split()) < (2 if embedder_name.startswith("hash") else 1):
        return None  # one bag-of-words word ("experiência") matches any example that has it
    qv = vectors([query])[0]
    sims = np.asarray(matrix @ qv, dtype=np.float64)
    best: dict[str, float] = {}
    for (name, _), sim in zip(rows, sims, strict=True):
        best[name] = max(best.get(name, -1.0), float(sim))
    ranked = sorted(best.items(), key=lambda kv: (-kv[1], INTENTS.index(kv[0])))
    top, score = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else -1.0
    family = "hash" if embedder_name.startswith("hash") else "default"
    threshold = data.threshold.get(family, data.threshold["default"])
    if score < threshold or score - second < data.margin:
        return None
    q = folded(text)
    return Intent(name=top, via="similar", score=round(score, 4), traits=traits_in(q), skills=named_skills(text))


def detect(text: str, *, vectors: Any | None = None, embedder_name: str = "") -> Intent:
    """Rules, then example similarity (when an embedder is given), then ``general``."""
    found = rule_intent(text)
    if found is not None:
        return found
    if vectors is not None:
        similar = similar_intent(text, vectors=vectors, embedder_name=embedder_name)
        if similar is not None:
            return similar
    q = folded(text)
    return Intent(name="general", via="default", score=0.0, traits=traits_in(q), skills=named_skills(text))


def skill_label(text: str, skill: str) -> str:
    """How the question wrote ``skill`` ("liderança"), else its canonical name."""
    ev = sk.extract_skills(text).get(skill)
    return " ".join(ev.quote.split()) if ev is not None else skill
