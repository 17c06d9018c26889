"""Exact answers from the records: question → plan → run on the records table → plain words, with sources.

Recruiters ask by description ("quem foi contratado para a vaga de Programador Java Sr da Horizonte Seguros?"),
count ("quantos candidatos foram contratados em 2022?"), rank ("which clients had the most open positions?") and
search ("três candidatos com Kafka"). Chunk retrieval cannot do any of that reliably; these modules do it exactly:

- ``table.py``     the three Decision files flattened into vagas / applicants / applications tables (no personal
                   data), built at ingestion beside the index and bundled with the served model;
- ``entities.py``  the table's values found in a question (clients, cities, people, levels, skills, years) and the
                   vagas a description means (idf-weighted title words, "Sr" = "Sênior");
- ``plan.py``      the plan schema: intents, slots and the one validation gate (a model's proposal included);
- ``cues.py``      the cue vocabularies (pt/en/es, data in ``cues.json``) compiled once, for parsing and rules;
- ``parsing.py``   what a question names: ids, names, titles, clients, places, levels, skills, dates, "top 5";
- ``planner.py``   the parsed question → plan by cue rules, then by similarity to the example questions;
- ``examples.py``  the example questions (``examples.jsonl``, pt/en/es) and the nearest one to a question;
- ``llm.py``       with an "openai:<model>" generator, the model may propose a plan (JSON) the rules could not make;
- ``executor.py``  the plan run in pandas, exactly, per intent; ambiguity and missing records are results too;
- ``resolve.py``   a plan's vaga description and names → the records they mean (or why none/several);
- ``search.py``    candidate search: the candidates meeting the filters, ranked by the skills they have;
- ``counting.py``  counts and rankings of vagas, applications, hires, people or candidates;
- ``result.py``    the executor's result and the source dicts (as retrieval's) that support it;
- ``phrasing.py``  the result in the question's language, from the ``answers`` message catalogue;
- ``answerer.py``  planner, executor and phrasing together, as ``RAGAgent.answer`` uses them (None →
                   retrieval-generation, which says so).

Measured (2 shared cores): a planned answer takes 1–50 ms at the sample scale and 2–125 ms at full Decision scale
(14k vagas, 42k applicants, 54k applications; the slowest is a candidate search over 3.3k Kafka candidates);
loading the full-scale table and its lookups takes ~5 s at start-up.
"""
