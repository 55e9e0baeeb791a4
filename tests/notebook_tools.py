"""Notebook hygiene: committed lessons carry no outputs, execution counts or widget state.

    python tests/notebook_tools.py lessons/*.ipynb     # strip them in place
"""

import json
import sys
from pathlib import Path


def notebook_problems(notebook: dict) -> list[str]:
    """What keeps a notebook (as parsed JSON) from being committed clean."""
    problems = []
    if "widgets" in notebook.get("metadata", {}):
        problems.append("metadata.widgets is present (saved widget state)")
    for index, cell in enumerate(notebook.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        if cell.get("outputs"):
            problems.append(f"cell {index} has outputs")
        if cell.get("execution_count") is not None:
            problems.append(f"cell {index} has an execution count")
    return problems


def clean(path: Path) -> None:
    """Strip outputs, execution counts and widget state from the notebook at ``path``."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    notebook.get("metadata", {}).pop("widgets", None)
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    for name in sys.argv[1:]:
        clean(Path(name))
