"""`import archtools` stays light: no widget, table or drawing library until a view asks for one."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("ipywidgets", "pandas", "graphviz", "IPython", "traitlets")


def loaded_after(statement: str) -> dict[str, bool]:
    script = (
        f"import sys, json\n{statement}\n"
        f"print(json.dumps({{name: name in sys.modules for name in {list(HEAVY)!r}}}))"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    found: dict[str, bool] = json.loads(run.stdout)
    return found


@pytest.mark.parametrize(
    "statement",
    [
        "import archtools",
        "import archtools; archtools.__version__",
        "import archtools.views.notebook",
        "import archtools.widgets.model",
        "import archtools.widgets",
        "import archtools.reporting, archtools.dashboard",
    ],
)
def test_nothing_heavy_is_imported(statement: str) -> None:
    assert loaded_after(statement) == dict.fromkeys(HEAVY, False)


def test_a_widget_brings_ipywidgets_along() -> None:
    found = loaded_after("from archtools.widgets import ScorecardBrowser")
    assert found["ipywidgets"] and found["traitlets"]
