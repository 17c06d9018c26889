"""Deterministic generator of synthetic recruiting data in the exact schema of the Decision dataset.

It writes ``vagas.json``, ``applicants.json`` and ``prospects.json`` with the same key sets, key order and
quirks as the real files (``"nivel profissional"`` with a space, the misspelt ``situacao_candidado`` and
``data_requicisao``, dd-mm-yyyy date strings, many empty strings, ``cargo_atual`` = ``{}``...), so the
whole project runs on a fresh machine without the real data. All the text is built from the vocabularies
in ``vocab/*.json`` (read by ``vocab.py``); nothing is copied from the real files. Every person, CPF, e-mail,
phone and address is fake, but in realistic Brazilian formats so the PII redactor can be tested against them.

The three files join: every prospects key is a vaga id and every prospect ``codigo`` is an applicant with
the same ``nome``. The outcome of a prospect depends (noisily) on how well the applicant's area, skills,
level and English match the vaga, so hire prediction has real signal.

Same arguments give byte-identical files: every record draws from its own ``random.Random`` seeded with a
string (hashed with SHA-512 by ``random``, so independent of ``PYTHONHASHSEED``) and nothing reads the
clock. The files are written record by record, so memory stays low at the full scale.

    python -m devtools.sample --out data [--scale sample|full] [--seed 42] [--quiet]

By job: ``vocab`` (the words, from data files), ``common`` (draw helpers, fake people, CPFs, phones),
``profiles`` (what a vaga or an applicant is, and their fit), ``prospects`` (who applied where, with which
outcome and comment), ``vagas`` and ``applicants`` (the full records and CVs), ``writer`` (generate() and the CLI).
"""

from __future__ import annotations

from devtools.sample.common import cpf_is_valid
from devtools.sample.profiles import APPLICANT_ID_START, VAGA_ID_START
from devtools.sample.vocab import HIRE_STATUSES, STATUS_MIX
from devtools.sample.writer import SCALES, generate, main

__all__ = [
    "APPLICANT_ID_START",
    "HIRE_STATUSES",
    "SCALES",
    "STATUS_MIX",
    "VAGA_ID_START",
    "cpf_is_valid",
    "generate",
    "main",
]
