"""Pydantic models of the Decision files, lenient the way the real data needs.

Real records have missing keys, extra keys, empty strings everywhere, ``{}`` for
``cargo_atual`` and a key with a space (``"nivel profissional"``). Missing text is
``""``; numbers are turned into text; a dict or list where text belongs is an
error, so the record is reported and skipped instead of polluting the index.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


def _to_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Sim" if value else "Não"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value.strip()
    raise ValueError(f"expected text, got {type(value).__name__}")


Text = Annotated[str, BeforeValidator(_to_text)]


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


def _section(model: type[BaseModel]) -> Any:
    return Field(default_factory=model)


class VagaBasicas(_Lenient):
    titulo_vaga: Text = ""
    cliente: Text = ""
    tipo_contratacao: Text = ""
    data_requicisao: Text = ""
    vaga_sap: Text = ""
    empresa_divisao: Text = ""
    analista_responsavel: Text = ""
    prioridade_vaga: Text = ""
    objetivo_vaga: Text = ""


class PerfilVaga(_Lenient):
    pais: Text = ""
    estado: Text = ""
    cidade: Text = ""
    nivel_profissional: Text = Field(default="", alias="nivel profissional")
    nivel_academico: Text = ""
    nivel_ingles: Text = ""
    nivel_espanhol: Text = ""
    outro_idioma: Text = ""
    areas_atuacao: Text = ""
    principais_atividades: Text = ""
    competencia_tecnicas_e_comportamentais: Text = ""
    habilidades_comportamentais_necessarias: Text = ""
    demais_observacoes: Text = ""
    viagens_requeridas: Text = ""
    horario_trabalho: Text = ""


class Vaga(_Lenient):
    informacoes_basicas: VagaBasicas = _section(VagaBasicas)
    perfil_vaga: PerfilVaga = _section(PerfilVaga)
    beneficios: dict[str, Any] = Field(default_factory=dict)

    @property
    def titulo(self) -> str:
        return self.informacoes_basicas.titulo_vaga


class InfosBasicas(_Lenient):
    nome: Text = ""
    codigo_profissional: Text = ""
    objetivo_profissional: Text = ""
    local: Text = ""


class InformacoesPessoais(_Lenient):
    nome: Text = ""


class InformacoesProfissionais(_Lenient):
    titulo_profissional: Text = ""
    area_atuacao: Text = ""
    conhecimentos_tecnicos: Text = ""
    certificacoes: Text = ""
    outras_certificacoes: Text = ""
    nivel_profissional: Text = ""


class FormacaoIdiomas(_Lenient):
    nivel_academico: Text = ""
    nivel_ingles: Text = ""
    nivel_espanhol: Text = ""
    outro_idioma: Text = ""
    instituicao_ensino_superior: Text = ""
    cursos: Text = ""
    ano_conclusao: Text = ""


class Applicant(_Lenient):
    infos_basicas: InfosBasicas = _section(InfosBasicas)
    informacoes_pessoais: InformacoesPessoais = _section(InformacoesPessoais)
    informacoes_profissionais: InformacoesProfissionais = _section(InformacoesProfissionais)
    formacao_e_idiomas: FormacaoIdiomas = _section(FormacaoIdiomas)
    cargo_atual: dict[str, Any] = Field(default_factory=dict)
    cv_pt: Text = ""
    cv_en: Text = ""

    @property
    def nome(self) -> str:
        return self.infos_basicas.nome or self.informacoes_pessoais.nome


class Prospect(_Lenient):
    nome: Text = ""
    codigo: Text
    situacao_candidado: Text = ""
    data_candidatura: Text = ""
    ultima_atualizacao: Text = ""
    comentario: Text = ""
    recrutador: Text = ""


class VagaProspects(_Lenient):
    titulo: Text = ""
    modalidade: Text = ""
    prospects: list[Any] = Field(default_factory=list)
