"""Math offline: the course's pages render their LaTeX with MathJax from an installed package,
never from a CDN. nbconvert links MathJax 2.7 from a CDN by default, so an exported lesson
read offline shows ``$h_t$`` as source; the course site (`widgets.site`) and the README's
export command use this module instead.

MathJax comes from the `jupyter_server_mathjax` package (the Jupyter project's own copy of
MathJax 2.7, BSD/Apache licensed; it is what Jupyter servers serve at ``/static/...``). The
pages use its one combined configuration, ``TeX-AMS-MML_HTMLorMML-full``, whose STIX-Web fonts
ship beside it, with a small configuration of the course (assets/mathjax-config.js: use
those fonts).
What a page never loads is left out (the accessibility explorer, translations, and the SVG
output's fonts without its code): 2.5 MB remain of 9.6 MB.

The nbconvert preprocessor `offline_mathjax` writes MathJax next to the exported page (in a
``mathjax/`` folder) and points the page at it:

    jupyter nbconvert --to html \\
        --HTMLExporter.preprocessors=widgets.site.mathjax.offline_mathjax ...

Lessons: none.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

PACKAGE = "jupyter_server_mathjax"
LOCAL_CONFIG = "local/rnn-course"
CONFIG = f"TeX-AMS-MML_HTMLorMML-full,Safe,{LOCAL_CONFIG}"
FOLDER = "mathjax"
# The course's configuration (fonts; see the file), written as [MathJax]/config/{LOCAL_CONFIG}.js
LOCAL_CONFIG_JS = Path(__file__).resolve().parent / "assets" / "mathjax-config.js"
NO_SCRIPT = "data:text/javascript,"
SKIPPED = ("extensions/a11y", "localization", "jax/output/SVG")
INSTALL_HINT = 'install the course\'s site extra: python -m pip install -e ".[site]"'


def mathjax_dir() -> Path:
    """The folder of MathJax 2.7 inside the installed `jupyter_server_mathjax` package."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(f"MathJax for offline pages comes from the {PACKAGE} package; "
                                  + INSTALL_HINT)
    folder = Path(spec.origin).parent / "static"
    if not (folder / "MathJax.js").is_file():
        raise FileNotFoundError(f"{folder} lacks MathJax.js; reinstall {PACKAGE}")
    return folder


def mathjax_files() -> Iterator[tuple[str, bytes]]:
    """(path relative to the MathJax folder, content) for every file a page may load, the
    course's configuration (`LOCAL_CONFIG_JS`) included."""
    root = mathjax_dir()
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and not relative.startswith(SKIPPED):
            yield relative, path.read_bytes()
    yield f"config/{LOCAL_CONFIG}.js", LOCAL_CONFIG_JS.read_bytes()


def copy_mathjax(target: Path) -> Path:
    """Write MathJax into ``target`` (a folder, made if missing); returns ``target``."""
    for relative, content in mathjax_files():
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(content)
    return target


def mathjax_url(prefix: str = f"{FOLDER}/") -> str:
    """The script URL of MathJax with the course's configuration, ``prefix`` being the
    relative URL of the copied folder (ending in "/")."""
    return f"{prefix}MathJax.js?config={CONFIG}"


def offline_mathjax(notebook, resources):
    """nbconvert preprocessor: the page loads MathJax from a ``mathjax/`` folder beside it,
    which nbconvert's file writer fills from the installed package, so the page's math renders
    offline. nbconvert's link to require.js on a CDN becomes an empty script: only stored
    widget state needs it, and the course stores none (each widget has a static copy).
    Returns (notebook, resources)."""
    outputs = resources.setdefault("outputs", {})
    for relative, content in mathjax_files():
        outputs[f"{FOLDER}/{relative}"] = content
    resources["mathjax_url"] = mathjax_url()
    resources["require_js_url"] = NO_SCRIPT
    return notebook, resources
