"""Screenshots of the recruiters' page of a running service, for the README (docs/ui*.png).

    make serve                                   # in another terminal
    .venv/bin/python scripts/ui_screenshots.py   # --base http://127.0.0.1:3000 --out docs --data data

Drives Debian's Chromium (Playwright, no browser download) through each tab with the project's sample data and
the resumes in ../shared/data/resumes: a question about a vaga with a hire, a PDF CV against a Java vaga, that
vaga's ranking, a chat with two messages, a generated JD. The browser tests (tests/test_ui.py) check the same
flows against a test champion; this script only takes pictures of the real one.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
RESUMES = ROOT.parent / "shared" / "data" / "resumes"
HIRED = ("Contratado pela Decision", "Contratado como Hunting", "Aprovado", "Proposta Aceita")
SLOW = 180_000


def hired_vaga(data: Path) -> str:
    """The vaga with a hire and the most applicants, whose title names Java when one does."""
    prospects = json.loads((data / "prospects.json").read_text())
    vagas = json.loads((data / "vagas.json").read_text())

    def key(vid: str) -> tuple[bool, bool, int]:
        apps = prospects[vid]["prospects"]
        title = vagas.get(vid, {}).get("informacoes_basicas", {}).get("titulo_vaga", "")
        return any(p["situacao_candidado"] in HIRED for p in apps), "Java" in title, len(apps)

    return max(sorted(prospects), key=key)


def pick(page: Page, picker: str, vaga_id: str) -> None:
    page.locator(f"#{picker}-input").fill(vaga_id)
    page.locator(f"#{picker}-list").get_by_role("option").filter(has_text=re.compile(rf"^{vaga_id}\b")).click()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--base", default="http://127.0.0.1:3000")
    p.add_argument("--out", type=Path, default=ROOT / "docs")
    p.add_argument("--data", type=Path, default=ROOT / "data")
    a = p.parse_args(argv)
    vid = hired_vaga(a.data)
    a.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="pt-BR").new_page()
        page.goto(f"{a.base}/ui/")
        expect(page.locator("#model-info")).to_contain_text("Modelo em produção", timeout=SLOW)

        page.get_by_label("Pergunta").fill(f"Quem foi contratado para a vaga {vid}?")
        page.get_by_role("button", name="Perguntar").click()
        expect(page.locator("#ask-sources button.source").first).to_be_visible(timeout=SLOW)
        page.screenshot(path=str(a.out / "ui.png"), full_page=True)

        page.get_by_role("tab", name="Compatibilidade").click()
        page.get_by_label("CV do candidato").set_input_files(str(RESUMES / "single-column.pdf"))
        pick(page, "match-vaga", vid)
        page.get_by_role("button", name="Calcular compatibilidade").click()
        expect(page.locator("#match-chart g.signal").first).to_be_visible(timeout=SLOW)
        page.screenshot(path=str(a.out / "ui_match.png"), full_page=True)

        page.get_by_role("tab", name="Ranking").click()
        pick(page, "rank-vaga", vid)
        page.get_by_role("button", name="Ordenar candidatos").click()
        expect(page.locator("#rank-rows tr").first).to_be_visible(timeout=SLOW)
        page.screenshot(path=str(a.out / "ui_rank.png"), full_page=True)

        page.get_by_role("tab", name="Conversa").click()
        page.get_by_label("CV *").set_input_files(str(RESUMES / "two-column.pdf"))
        page.get_by_label("Descrição da vaga").set_input_files(str(RESUMES / "jds" / "backend-eng.txt"))
        page.get_by_label("Título da conversa").fill("Candidato backend — vaga Senior Backend Engineer")
        page.get_by_role("button", name="Abrir conversa").click()
        expect(page.locator("#chat-docs li")).to_have_count(2, timeout=SLOW)
        for question in ("Ele é adequado para a vaga?", "Quais linguagens de programação o candidato usa?"):
            page.get_by_label("Mensagem").fill(question)
            page.get_by_label("Mensagem").press("Enter")
            expect(page.get_by_role("button", name="Enviar")).to_be_enabled(timeout=SLOW)
        page.locator("#chat-messages .msg").last.scroll_into_view_if_needed()
        page.screenshot(path=str(a.out / "ui_chat.png"))

        page.get_by_role("tab", name="Descrição de vaga").click()
        page.get_by_label("Título da vaga").fill("Desenvolvedor Java Sênior")
        page.get_by_label("Competências (separadas por vírgula)").fill("Java, Spring Boot, Kafka")
        page.get_by_label("Empresa", exact=True).fill("Atlântica Automotiva")
        page.get_by_role("textbox", name="Local").fill("Curitiba")
        page.get_by_label("Salário mínimo").fill("12000")
        page.get_by_label("Salário máximo").fill("16000")
        page.get_by_role("button", name="Gerar descrição").click()
        expect(page.locator('.jd-section[data-section="summary"]')).to_be_visible(timeout=SLOW)
        page.screenshot(path=str(a.out / "ui_jd.png"), full_page=True)
        browser.close()
    print(f"wrote {', '.join(f'ui{s}.png' for s in ('', '_match', '_rank', '_chat', '_jd'))} into {a.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
