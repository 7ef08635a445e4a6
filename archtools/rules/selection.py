"""Which rules an audit reports: `--select` / `--ignore` (and `[rules]` in archtools.toml) take rule
ids and prefixes, as ruff does. The most specific selector that matches a rule decides: with
`select = ["ATH"]` and `ignore = ["ATH002"]`, ATH001 is reported and ATH002 is not; with `select`
left out, every rule is, less the ignored ones and the opt-in rules of the catalog (`opt_in:
true`), which are reported only when a selector names them. `ALL` selects every rule, opt-in ones
included, and is the least specific selector: `select = ["ALL"]`, `ignore = ["MIG"]` reports
everything but the migration rules."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from archtools.errors import InputError
from archtools.rules.catalog import rule_catalog

EVERY_RULE = "ALL"


@dataclass(frozen=True)
class RuleSelection:
    select: tuple[str, ...] | None = None  # None: every rule
    ignore: tuple[str, ...] = ()

    def reports(self, rule: str) -> bool:
        chosen = [s for s in self.select or () if s == EVERY_RULE or rule.startswith(s)]
        dropped = [s for s in self.ignore if rule.startswith(s)]
        best_chosen = max((0 if s == EVERY_RULE else len(s) for s in chosen), default=-1)
        best_dropped = max((len(s) for s in dropped), default=-1)
        if best_dropped >= 0 and best_dropped >= best_chosen:
            return False
        if best_chosen < 0 and rule in opt_in_rules():
            return False
        return self.select is None or best_chosen >= 0

    def key(self) -> str:
        """What the selection adds to a cached audit's key."""
        chosen = "*" if self.select is None else ",".join(self.select)
        return f"select={chosen};ignore={','.join(self.ignore)}"

    def then(self, select: tuple[str, ...] | None, ignore: tuple[str, ...]) -> RuleSelection:
        """This selection (from archtools.toml) overridden by the command line's: its `--select`
        replaces the file's, its `--ignore` adds to it."""
        return RuleSelection(
            select=select if select is not None else self.select,
            ignore=tuple(dict.fromkeys(self.ignore + ignore)),
        )


def parse_selectors(text: str) -> tuple[str, ...]:
    """`ATH, az001` from the command line: upper-cased, empty parts dropped."""
    return tuple(part.strip().upper() for part in text.split(",") if part.strip())


def check_selectors(selectors: Iterable[str], known: Iterable[str], where: str) -> None:
    """Each selector must be a rule id, the prefix of one, or `ALL`."""
    ids = sorted(known)
    for selector in selectors:
        if selector != EVERY_RULE and not any(rule.startswith(selector) for rule in ids):
            families = sorted({rule.rstrip("0123456789") for rule in ids})
            raise InputError(
                f"{where}: {selector!r} is no rule id or prefix "
                f"(families: {', '.join(families)}, or ALL; `archtools rules` lists every rule)"
            )


@cache
def opt_in_rules() -> frozenset[str]:
    """The catalog's rules that no audit reports unless a selector names them."""
    return frozenset(rule for rule, meta in rule_catalog().items() if meta.opt_in)
