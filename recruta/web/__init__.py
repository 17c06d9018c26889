"""The recruiters' web page, served by the BentoML service itself at ``/ui`` (no extra process).

Why a mounted Starlette app with one static page (HTML + vanilla JS + CSS) and not Gradio/Streamlit:

- nothing to install: Starlette already ships with BentoML; Gradio would pull a large dependency tree
  (and pin versions that conflict with ours), Streamlit needs a second server process;
- fully offline: every asset is a file in ``recruta/web/static`` (no CDN fonts, scripts or analytics,
  no build step), and a Content-Security-Policy tells the browser to fetch nothing from elsewhere;
- one API: the page calls the service's own JSON endpoints (``/responder``, ``/match``, ``/match_file``,
  ``/suggest_vagas``, ``/suggest_vagas_file``, ``/rank``,
  ``/chat/*``, ``/generate_jd``, ``/jd/*``, ``/info``), so it exercises exactly what API clients get,
  with the same API key, request ids and error messages;
- the page is the recruiters' tool, not a demo: Portuguese labels, keyboard usable, streamed chat,
  charts drawn as inline SVG.

The app adds two read-only JSON routes the API does not offer: ``/ui/api/vagas?q=`` (searchable list
of indexed vagas for the pickers) and ``/ui/api/record?id=`` (one indexed record, for clickable
sources; the index holds only redacted text, so it is PII-free).
"""

from recruta.web.app import create_app, web_app

__all__ = ["create_app", "web_app"]
