"""A cheap pre-check for a regular expression: words any match must contain.

Python's `re` tries every alternative at every position, so screening a long
message against a dozen large red-flag patterns costs more than all the
matching around it. But a match of `(can not|unable to) lift (\\w+ ){0,2}(foot|toes)`
must contain "lift"; when the message has no "lift", the regex cannot match.
The literals come from the pattern's own parse tree, so they never drift from
the YAML, and anything the walk does not understand means "no pre-check".
"""

from __future__ import annotations

import re
from typing import Any

import ahocorasick

try:  # the parser is private: if it moves, patterns simply run without a pre-check
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - other Python versions
    sre_parser = None
    sre_constants = None

Literals = frozenset[str]


def _best(candidates: list[Literals]) -> Literals | None:
    """The most selective candidate: longest shortest string, then fewest strings."""
    if not candidates:
        return None
    return max(candidates, key=lambda c: (min(map(len, c)), -len(c)))


def _requirements(items: list[Any]) -> list[Literals]:
    """Sets of strings such that every match of `items` contains one string of EACH set."""
    c = sre_constants
    requirements: list[Literals] = []
    run = ""

    def close_run() -> None:
        nonlocal run
        if run.strip():
            requirements.append(frozenset({run.strip()}))
        run = ""

    for op, arg in items:
        if op is c.LITERAL:
            run += chr(arg)
            continue
        close_run()
        if op is c.SUBPATTERN:
            requirements += _requirements(list(arg[-1]))
        elif op is c.BRANCH:
            alternatives = [_best(_requirements(list(branch))) for branch in arg[1]]
            if all(alternatives):
                requirements.append(frozenset().union(*alternatives))  # type: ignore[arg-type]
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and arg[0] >= 1:
            requirements += _requirements(list(arg[2]))
    close_run()
    return requirements


class LiteralCheck:
    """A pattern's requirements: it can only match text containing one string of each set."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.requirements: tuple[Literals, ...] = ()
        if sre_parser is not None:
            try:
                parsed = list(sre_parser.parse(pattern.pattern, pattern.flags))
                self.requirements = tuple(_requirements(parsed))
            except Exception:  # an unparsable pattern just loses its pre-check
                self.requirements = ()

    def may_match(self, present: frozenset[str]) -> bool:
        """False only if the pattern cannot match text containing just `present` literals."""
        return all(not options.isdisjoint(present) for options in self.requirements)

    @property
    def literals(self) -> frozenset[str]:
        return frozenset().union(*self.requirements)

    @property
    def key(self) -> Literals:
        """The most selective requirement: index a check by it and few checks are looked at."""
        return _best(list(self.requirements)) or frozenset()


class LiteralFinder:
    """Finds which of many literals occur in a text in one pass (Aho-Corasick)."""

    def __init__(self, literals: frozenset[str]) -> None:
        self._automaton = ahocorasick.Automaton()
        for literal in literals:
            self._automaton.add_word(literal, literal)
        if literals:
            self._automaton.make_automaton()
        self._empty = not literals

    def present(self, text: str) -> frozenset[str]:
        if self._empty:
            return frozenset()
        return frozenset(literal for _, literal in self._automaton.iter(text))
