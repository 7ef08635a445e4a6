"""YAML reading through libyaml's C loader when PyYAML was built with it (several times faster)."""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml

_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """Like `yaml.safe_load`: plain data only, no object construction."""
    return yaml.load(text, Loader=_LOADER)


def bundled_knowledge(name: str) -> Any:
    """A YAML file of the knowledge that ships in the package (`archtools/knowledge/NAME`)."""
    return safe_load(resources.files("archtools.knowledge").joinpath(name).read_text("utf-8"))
