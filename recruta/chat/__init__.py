"""The recruiter chat about one candidate; the entry point is :class:`recruta.chat.service.ChatService`.

Modules by job: ``documents`` (upload validation and parsing), ``store`` (sessions, documents, messages and
document-change notes in the database), ``profiles`` (cached profiles, passage embeddings and matches), ``intents``
(what a message asks: rules, then similarity to the example questions in ``data/intents.json``), ``questions``
(the words of a question for the passage-grounded path), ``planner`` (how to answer a message), ``evidence`` (the
document lines a fact is read from), ``answers`` (answers from the extracted facts), ``interview`` (questions from
the gaps against the job), ``summary`` (the automatic CV summary and the session title), ``fit`` ("is this
candidate a fit?"), ``errors``. Nothing is imported here, so importing the package stays cheap.
"""

__all__: list[str] = []
