"""The repository loader: a path, an Audit button, a progress bar and the audit's summary."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as widgets
import traitlets

from archtools.errors import ArchtoolsError
from archtools.results import Audit
from archtools.views.notebook import AuditView
from archtools.views.notebook_html import esc, wrap


class RepositoryLoader(widgets.VBox):  # type: ignore[misc]
    """Audits the repository at `path` when the button is pressed (or `run()` is called).

    While it runs, `stage`, `done` and `total` follow the pipeline's progress; then `audit` holds the
    result, or `error` says why there is none."""

    path = traitlets.Unicode("")
    audit = traitlets.Instance(Audit, allow_none=True)
    stage = traitlets.Unicode("")
    done = traitlets.Int(0)
    total = traitlets.Int(0)
    error = traitlets.Unicode("")
    busy = traitlets.Bool(False)

    def __init__(self, path: str | Path = "", *, use_cache: bool = True, **kwargs: Any):
        super().__init__(**kwargs)
        self.add_class("archtools-loader")
        self.use_cache = use_cache
        self.stages: list[tuple[str, int, int]] = []  # every progress report of the last run
        self._path = widgets.Text(
            placeholder="path to a Next.js repository",
            description="repository",
            layout=widgets.Layout(width="60%"),
        )
        traitlets.link((self._path, "value"), (self, "path"))
        self._button = widgets.Button(description="Audit", button_style="primary", icon="search")
        self._button.add_class("archtools-audit-button")
        self._button.on_click(lambda _button: self.run())
        self._bar = widgets.IntProgress(value=0, min=0, max=1, layout=widgets.Layout(width="40%"))
        self._stage = widgets.Label()
        self._summary = widgets.HTML()
        self._summary.add_class("archtools-summary")
        self.children = [
            widgets.HBox([self._path, self._button]),
            widgets.HBox([self._bar, self._stage]),
            self._summary,
        ]
        self.path = str(path)

    def _progress(self, stage: str, done: int, total: int) -> None:
        self.stages.append((stage, done, total))
        self.stage, self.total, self.done = stage, total, done
        self._bar.max = max(total, 1)
        self._bar.value = min(done, self._bar.max)
        self._stage.value = f"{stage}: {done}/{total}"

    def run(self) -> Audit | None:
        """Audit `path` now; the result also lands in `audit` (None after an error)."""
        from archtools.pipeline import AuditOptions, audit

        self.busy, self.error, self.stages = True, "", []
        self._button.disabled = True
        self._summary.value = ""
        try:
            options = AuditOptions(use_cache=self.use_cache, progress=self._progress)
            result: Audit | None = audit(Path(self.path).expanduser(), options)
        except ArchtoolsError as exc:
            result = None
            self.error = str(exc)
        finally:
            self.busy = False
            self._button.disabled = False
        self.audit = result
        if result is None:
            self._stage.value = "failed"
            self._summary.value = wrap(
                f'<p class="st-fail">{esc(self.error)}</p>', "archtools-error"
            )
        else:
            self._stage.value = f"done: {result.stats.files_scanned} files"
            self._summary.value = wrap(f"<p>{esc(AuditView(result).text())}</p>", "archtools-done")
        return result
