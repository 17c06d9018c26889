"""The repository itself: no merge left half done in what a newcomer reads or runs."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEXT = {".py", ".md", ".json", ".jsonl", ".yaml", ".yml", ".toml", ".txt", ".cfg", ".ini", ".html", ".js", ".css"}
MARKER = re.compile(r"^(<{7} |>{7} |={7}$)", re.MULTILINE)


def tracked_files() -> list[Path]:
    try:
        out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        return [ROOT / line for line in out.splitlines()]
    except (OSError, subprocess.CalledProcessError):  # not a git checkout (an sdist): every file under the root
        return [p for p in ROOT.rglob("*") if ".venv" not in p.parts and ".git" not in p.parts]


def test_no_merge_conflict_markers_in_tracked_text_files() -> None:
    bad = []
    for path in tracked_files():
        if path.suffix in TEXT and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            bad += [f"{path.relative_to(ROOT)}: {m.group(0)!r}" for m in MARKER.finditer(text)]
    assert not bad, "\n".join(bad)
