"""YAML reading through libyaml's C loader when PyYAML was built with it (several times faster)."""

from __future__ import annotations

from typing import Any

import yaml

_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """Like `yaml.safe_load`: plain data only, no object construction."""
    return yaml.load(text, Loader=_LOADER)
