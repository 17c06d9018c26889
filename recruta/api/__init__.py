"""The HTTP API's contract: request/response models (``models``) and the one error shape (``errors``).

The service (``service.py``) stays HTTP glue; what a client sends and gets back is declared here, so
``/docs.json`` describes every endpoint and every error the same way. Wording lives in
``recruta/i18n/catalogues/api.json`` (pt, en, es, ru).
"""
