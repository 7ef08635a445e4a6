"""The base of the notebook views: an HTML and a plain-text form for IPython's display machinery."""

from __future__ import annotations

from collections.abc import Iterable

Bundle = dict[str, str]


class RichView:
    """Base of the wrappers: an HTML and a plain-text form for IPython's display machinery."""

    def text(self) -> str:
        raise NotImplementedError

    def _repr_html_(self) -> str:
        raise NotImplementedError

    def _repr_mimebundle_(
        self, include: Iterable[str] | None = None, exclude: Iterable[str] | None = None
    ) -> Bundle:
        return {"text/html": self._repr_html_(), "text/plain": self.text()}

    def __repr__(self) -> str:
        return self.text()
