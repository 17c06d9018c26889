"""The recruiter chat about one candidate; the entry point is :class:`recruta.chat.service.ChatService`.

Modules by job: ``documents`` (upload validation and parsing), ``store`` (sessions, documents and messages in the
database), ``profiles`` (cached profiles, passage embeddings and matches), ``questions`` (what a question asks),
``planner`` (how to answer a message), ``summary`` (the automatic CV summary), ``fit`` ("is this candidate a fit?"),
``errors``. Nothing is imported here, so importing the package stays cheap.
"""

__all__: list[str] = []
