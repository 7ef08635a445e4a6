"""`archtools dossier`: one feature's dossier written to a file, or every feature's to a folder."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from archtools.errors import InputError
from archtools.results import Audit
from archtools.rules.base import RuleMeta
from archtools.views.dossier_model import Dossier, build_dossier, feature_names
from archtools.views.dossier_render import (
    feature_erd_svg,
    render_dossier_html,
    render_dossier_markdown,
)

DOSSIER_FORMATS = ("md", "html")
_SUFFIXES = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}
_UNSAFE = re.compile(r"[^a-z0-9_-]+")
_SLUG_LIMIT = 60


@dataclass(frozen=True)
class DossierTarget:
    """Where to write: one feature to `path`, or every feature into the folder `path`."""

    path: Path
    fmt: str
    feature: str | None


def dossier_target(output: Path, feature: str | None, fmt: str | None) -> DossierTarget:
    """The checked output: a file ending .md or .html for one feature (its suffix gives the
    format), a folder for every feature (`fmt`, Markdown by default). InputError otherwise."""
    if fmt is not None and fmt not in DOSSIER_FORMATS:
        raise InputError(f"unknown dossier format {fmt!r}; choose md or html")
    if feature is None:
        if output.exists() and not output.is_dir():
            raise InputError(
                f"{output} is a file: without --feature, -o names a folder that gets one "
                "dossier per feature"
            )
        return DossierTarget(output, fmt or "md", None)
    by_suffix = _SUFFIXES.get(output.suffix.lower())
    if by_suffix is None or output.is_dir():
        raise InputError(
            f"cannot write a dossier to {output}: give a file ending .md or .html "
            "(or leave out --feature to write every feature into a folder)"
        )
    if fmt is not None and fmt != by_suffix:
        raise InputError(f"--format {fmt} does not match the file name {output.name}")
    return DossierTarget(output, by_suffix, feature)


def feature_slug(feature: str, taken: set[str]) -> str:
    """A file name stem for a feature (names come from the audited repo's paths and config):
    lowercase [a-z0-9_-] only, never empty or hidden, distinct from every stem in `taken`."""
    slug = _UNSAFE.sub("-", feature.lower()).strip("-_")[:_SLUG_LIMIT] or "feature"
    if slug != feature:  # two names may clean to one stem: the digest keeps them apart
        slug += "-" + hashlib.sha1(feature.encode("utf-8")).hexdigest()[:8]
    while slug in taken:
        slug += "-x"
    taken.add(slug)
    return slug


def render_dossier(dossier: Dossier, fmt: str, version: str = "") -> str:
    if fmt == "html":
        return render_dossier_html(dossier, erd_svg=feature_erd_svg(dossier), version=version)
    return render_dossier_markdown(dossier)


def write_dossiers(
    audit: Audit, target: DossierTarget, rules: Mapping[str, RuleMeta] | None = None
) -> list[Path]:
    """Writes the dossier(s) and returns the files written. An unknown feature is refused
    (InputError listing the features) before anything is written."""
    version = audit.tool.version
    if target.feature is not None:
        dossier = build_dossier(audit, target.feature, rules)
        target.path.parent.mkdir(parents=True, exist_ok=True)
        target.path.write_text(render_dossier(dossier, target.fmt, version), encoding="utf-8")
        return [target.path]
    features = feature_names(audit)
    if not features:
        raise InputError("the audit found no entry points, so there is no feature to write up")
    target.path.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    written = []
    for feature in features:
        dossier = build_dossier(audit, feature, rules)
        path = target.path / f"{feature_slug(feature, taken)}.{target.fmt}"
        path.write_text(render_dossier(dossier, target.fmt, version), encoding="utf-8")
        written.append(path)
    return written
