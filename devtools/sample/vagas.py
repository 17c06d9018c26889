"""A full vagas.json record from a vaga profile: informacoes_basicas, perfil_vaga (with its activity and
requirement texts) and beneficios, keys in the real files' order and with their quirks."""

from __future__ import annotations

import random

from devtools.sample import vocab
from devtools.sample.common import activities, cap, company, dmy, person, rate, skewed, wchoice
from devtools.sample.profiles import Vaga

__all__ = ["vaga_record"]

_T = vocab.text("vaga_text")


def _field(name: str) -> vocab.Weighted:
    return vocab.weighted("vaga_text", f"fields.{name}")


def vaga_record(seed: int, i: int, v: Vaga, staff: list[str]) -> dict[str, object]:
    rng = random.Random(f"{seed}:vaga-text:{i}")
    area = vocab.AREAS[v.area]
    city, state = vocab.CITIES[v.city].city, vocab.CITIES[v.city].state
    cliente = company(rng)
    basicas = _basicas(rng, v, cliente)
    atividades, competencias = _texts(rng, v)
    observacoes = _observacoes(rng, v, cliente, city)
    perfil: dict[str, str] = {
        "pais": "Brasil",
        "estado": state,
        "cidade": city,
        "bairro": "",
        "regiao": "",
        "local_trabalho": "2000" if rng.random() < 0.99 else "1000",
        "vaga_especifica_para_pcd": "Sim" if v.tipo == "CLT Cotas" or rng.random() < 0.01 else "Não",
        "faixa_etaria": "De: Até:",
        "horario_trabalho": wchoice(rng, _field("horario_trabalho")),
        "nivel profissional": v.nivel,
        "nivel_academico": wchoice(rng, vocab.ACADEMIC_VAGA),
        "nivel_ingles": v.ingles,
        "nivel_espanhol": wchoice(rng, vocab.VAGA_SPANISH),
        "outro_idioma": "" if rng.random() < 0.99 else rng.choice(_T["other_languages"]),
        "areas_atuacao": (
            area.vaga_label if not area.it or rng.random() < 0.75 else "Gestão e Alocação de Recursos de TI-"
        ),
        "principais_atividades": atividades,
        "competencia_tecnicas_e_comportamentais": competencias,
    }
    if rng.random() < 0.39:
        months = rng.choice(_T["project_months"])
        perfil["habilidades_comportamentais_necessarias"] = rng.choice(_T["habilidades_comportamentais"]).format(
            months=months, cliente=cliente
        )
        perfil["demais_observacoes"] = observacoes
        perfil["viagens_requeridas"] = wchoice(rng, _field("viagens_requeridas"))
    else:
        perfil["demais_observacoes"] = observacoes
        perfil["viagens_requeridas"] = wchoice(rng, _field("viagens_requeridas"))
        perfil["equipamentos_necessarios"] = "Notebook padrão -" if rng.random() < 0.7 else "Nenhum -"
    return {"informacoes_basicas": basicas, "perfil_vaga": perfil, "beneficios": _beneficios(rng, v)}


def _basicas(rng: random.Random, v: Vaga, cliente: str) -> dict[str, str]:
    """informacoes_basicas; its optional keys come in the few combinations the real files have."""
    area = vocab.AREAS[v.area]
    limite = rng.random()
    limite_s = "00-00-0000" if limite < 0.33 else "01-01-1970" if limite < 0.45 else dmy(v.day + rng.randint(7, 40))
    basicas: dict[str, str] = {
        "data_requicisao": dmy(v.day),
        "limite_esperado_para_contratacao": limite_s,
        "titulo_vaga": v.titulo,
        "vaga_sap": "Sim" if area.key == "sap" and rng.random() < 0.85 else "Não",
        "cliente": cliente,
        "solicitante_cliente": person(rng)[0],
        "empresa_divisao": "Decision São Paulo" if rng.random() < 0.94 else "Decision Campinas",
        "requisitante": person(rng)[0],
        "analista_responsavel": v.analista,
        "tipo_contratacao": v.tipo,
        "prazo_contratacao": wchoice(rng, _field("prazo_contratacao")),
    }
    variant = rng.random()
    if 0.56 <= variant < 0.98:
        start = v.day + rng.randint(7, 30)
        basicas["data_inicial"] = dmy(start)
        basicas["data_final"] = dmy(start + rng.choice((90, 120, 180, 180, 270, 365)))
    basicas["objetivo_vaga"] = wchoice(rng, _field("objetivo_vaga"))
    basicas["prioridade_vaga"] = wchoice(rng, _field("prioridade_vaga"))
    basicas["origem_vaga"] = wchoice(rng, _field("origem_vaga"))
    if variant >= 0.98:
        basicas["nome_substituto"] = rng.choice(("", person(rng)[0]))
    basicas["superior_imediato"] = "Superior Imediato:"
    if variant < 0.56 or variant >= 0.98:
        basicas["nome"] = ""
    if variant < 0.56:
        basicas["telefone"] = ""
    return basicas


def _texts(rng: random.Random, v: Vaga) -> tuple[str, str]:
    """(principais_atividades, competencia_tecnicas_e_comportamentais): bullet lines, ~400-900 characters of
    activities; required skills, English, behavioural skills and nice-to-haves."""
    area = vocab.AREAS[v.area]
    target = rng.randint(400, 900)
    sector = rng.choice(vocab.SECTORS)
    head = rng.choice(_T["activity_heads"]).format(titulo=v.titulo, sector=sector)
    bullet = rng.choice(_T["bullets"])
    lines: list[str] = []
    length = len(head)
    generic = set(vocab.IT_GENERIC + vocab.BIZ_GENERIC)
    for act in activities(rng, area, v.focus, 16):
        prefix = "" if act in generic else rng.choice(_T["activity_prefixes"])
        line = bullet + (prefix + act if prefix else cap(act))
        lines.append(line)
        length += len(line) + 1
        if length >= target and len(lines) >= 3:
            break
    atividades = head + "\n".join(lines)

    req_head = rng.choice(_T["requirement_heads"])
    req = list(v.required)
    experience = _T["experience"].format(role=v.role)
    if req[0].lower() not in v.role.lower():
        experience += _T["experience_with"].format(skill=req[0])
    comp = [req_head, bullet + experience]
    rest = req[1:]
    while rest:
        n_take = rng.randint(1, 2)
        take, rest = rest[:n_take], rest[n_take:]
        comp.append(bullet + rng.choice(_T["requirement_lines"]).format(_T["and"].join(take)))
    if v.english >= 2:
        comp.append(bullet + _T["english"].format(level=v.ingles.lower()))
    comp.append("")
    comp.append(rng.choice(_T["behavioural_heads"]))
    comp += [bullet + b for b in rng.sample(vocab.BEHAVIOURAL, rng.randint(2, 4))]
    if rng.random() < 0.5:
        comp += ["", _T["extras_head"], bullet + _T["extra_cert"].format(rng.choice(area.certs))]
        extra = skewed(rng, area.skills, 1, exclude=req)
        if extra:
            comp.append(bullet + _T["extra_skill"].format(extra[0]))
    competencias = "\n".join(comp)
    if rng.random() < 0.02:
        return "", ""
    return atividades, competencias


def _observacoes(rng: random.Random, v: Vaga, cliente: str, city: str) -> str:
    if rng.random() < 0.47:
        return ""
    hourly = rate(rng, v.level)
    template: str = rng.choice(_T["observacoes"])
    return template.format(rate=hourly, cliente=cliente, city=city)


def _beneficios(rng: random.Random, v: Vaga) -> dict[str, str]:
    r = rng.random()
    if r < 0.5:
        venda = "-"
    elif r < 0.92:
        venda = "- p/ mês (168h)"
    else:
        venda = f"{rate(rng, v.level) + 30},00 -" + rng.choice(("", " p/ hora"))
    return {
        "valor_venda": venda,
        "valor_compra_1": wchoice(rng, _field("valor_compra_1")),
        "valor_compra_2": "" if rng.random() < 0.99 else f"{rate(rng, v.level)},00",
    }
