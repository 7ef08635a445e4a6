"""The archtools version, read from the installed package metadata."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("archtools")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"
