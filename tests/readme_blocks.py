"""The README's commands as tests read them: the one bash block under a ``## heading``
(used by test_hygiene, test_install_benchmark and test_static_html, so the commands the README
shows are the commands the tests check)."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_block(heading: str) -> str:
    """The one fenced bash block of the README section ``## {heading}``, with lines continued
    by a backslash joined."""
    text = README.read_text(encoding="utf-8")
    body = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)\n```", body, re.DOTALL)
    assert len(blocks) == 1, f"expected one bash block under ## {heading}, found {len(blocks)}"
    return blocks[0].replace("\\\n", " ").strip()
