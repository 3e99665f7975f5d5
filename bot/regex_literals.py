"""A cheap pre-check for a regular expression: words any match must contain.

Python's `re` tries every alternative at every position, so screening a long
message against a dozen large red-flag patterns costs more than all the
matching around it. But a match of `(can not|unable to) lift (\\w+ ){0,2}(foot|toes)`
must contain "lift"; when the message has no "lift", the regex cannot match.
The literals come from the pattern's own parse tree, so they never drift from
the YAML, and anything the walk does not understand means "no pre-check".
"""

from __future__ import annotations

from collections.abc import Mapping
from operator import itemgetter
from typing import Any

import ahocorasick

from bot.checked_regex import CheckedPattern, sre_constants

Literals = frozenset[str]
# Per top-level alternative of a pattern, the sets of strings its matches contain.
Options = tuple[tuple[Literals, ...], ...]
_VALUE = itemgetter(1)  # the literal of an (end, literal) Aho-Corasick hit


def _best(candidates: list[Literals]) -> Literals | None:
    """The most selective candidate: longest shortest string, then fewest strings."""
    if not candidates:
        return None
    return max(candidates, key=lambda c: (min(map(len, c)), -len(c)))


def _edge_after(items: list[Any], index: int, edge_at_end: bool) -> bool:
    """Whether a word boundary or a space follows `items[index]` in every match."""
    c = sre_constants
    if index + 1 == len(items):
        return edge_at_end
    op, arg = items[index + 1]
    return (op is c.AT and arg is c.AT_BOUNDARY) or (op is c.LITERAL and chr(arg) == " ")


def _requirements(
    items: list[Any], edge_before: bool = False, edge_after: bool = False
) -> list[Literals]:
    """Sets of strings such that every match of `items` contains one string of EACH set.

    The text searched is normalised and padded (words between single spaces), so
    a word boundary next to a letter is a space: `\\bed\\b` requires " ed ",
    which past tenses do not contain. `edge_before`/`edge_after` say whether the
    surrounding pattern puts a boundary or a space around `items`.
    """
    c = sre_constants
    requirements: list[Literals] = []
    runs = [""]  # the literal text just read; several when it went through "[89]"
    edge = edge_before  # a word boundary (or a space) just before the next item

    def close_run(bounded: bool) -> None:
        nonlocal runs
        if bounded:
            runs = [run + " " if run[-1:].isalnum() else run for run in runs]
        if all(run.strip() for run in runs):
            requirements.append(frozenset(runs))
        runs = [""]

    for index, (op, arg) in enumerate(items):
        chars = [chr(arg)] if op is c.LITERAL else _class_chars(arg) if op is c.IN else None
        if chars is not None and len(runs) * len(chars) <= _MAX_RUNS:
            if runs == [""] and edge and all(char.isalnum() for char in chars):
                runs = [" "]
            runs = [run + char for run in runs for char in chars]
            edge = chars == [" "]
            continue
        if op is c.AT and arg is c.AT_BOUNDARY:
            edge = True  # zero-width: the run goes on
            continue
        close_run(edge)
        after = _edge_after(items, index, edge_after)
        if op is c.SUBPATTERN:
            requirements += _requirements(list(arg[-1]), edge, after)
        elif op is c.BRANCH:
            alternatives = [_best(_requirements(list(b), edge, after)) for b in arg[1]]
            if all(alternatives):
                requirements.append(frozenset().union(*alternatives))  # type: ignore[arg-type]
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and arg[0] >= 1:
            requirements += _requirements(list(arg[2]))
        edge = False
    close_run(edge or edge_after)
    return requirements


_MAX_RUNS = 16  # "3[89]" is " 38" or " 39"; "[a-z][a-z]" is worth no pre-check


def _class_chars(items: list[Any]) -> list[str] | None:
    """The letters and digits of a small character class ("[89]", "[1-5]", "\\d"), else None."""
    c = sre_constants
    chars: list[str] = []
    for op, arg in items:
        if op is c.LITERAL:
            chars.append(chr(arg))
        elif op is c.RANGE and arg[1] - arg[0] < _MAX_RUNS:
            chars += [chr(code) for code in range(arg[0], arg[1] + 1)]
        elif op is c.CATEGORY and arg is c.CATEGORY_DIGIT:
            chars += "0123456789"  # \d: normalised text has no other digits
        else:
            return None  # a negation, a category such as \w, a wide range
    return chars if chars and all(char.isalnum() for char in chars) else None


def _alternatives(parsed: list[Any]) -> list[list[Any]]:
    """The top-level alternatives of `\\b(?:a|b|c)\\b` (as patterns), or the whole pattern."""
    c = sre_constants
    boundary = (c.AT, c.AT_BOUNDARY)
    inner = parsed[1:-1] if len(parsed) > 2 and parsed[0] == boundary == parsed[-1] else None
    if inner is not None and len(inner) == 1 and inner[0][0] is c.SUBPATTERN:
        inner = list(inner[0][1][-1])
    if inner is not None and len(inner) == 1 and inner[0][0] is c.BRANCH:
        return [[boundary, *branch, boundary] for branch in inner[0][1][1]]
    return [parsed]


def _selective(strings: Literals) -> bool:
    """Worth checking: "in" or "ha" is in nearly every text, so it would only cost time.
    A word of its own (" no "), three letters, or a number (" 38") is."""
    return all(
        len(s.strip()) >= 3 or s[:1] == s[-1:] == " " or any(c.isdigit() for c in s)
        for s in strings
    )


class LiteralCheck:
    """A pattern's requirements, per top-level alternative.

    The pattern can only match text that, for at least one alternative, has one
    string of each of that alternative's sets.
    """

    def __init__(self, pattern: CheckedPattern, options: Options | None = None) -> None:
        """`options`: the pattern's requirements as worked out before (see `options`)."""
        self.pattern = pattern
        self.options: Options = ((),) if options is None else options
        tree = None if options is not None else pattern.take_tree()
        if tree is not None:  # without Python's parse tree: no pre-check
            try:
                parsed = list(tree)
                self.options = tuple(
                    tuple(strings for strings in _requirements(branch) if _selective(strings))
                    for branch in _alternatives(parsed)
                )
            except Exception:  # an unparsable pattern just loses its pre-check
                self.options = ((),)
        self._key = self._find_key()

    def may_match(self, present: frozenset[str]) -> bool:
        """False only if the pattern cannot match text containing just `present` literals."""
        if self._key and self._key.isdisjoint(present):
            return False  # the quick test, enough for most patterns
        for option in self.options:  # plain loops: this runs dozens of times a message
            for strings in option:
                if strings.isdisjoint(present):
                    break
            else:
                return True
        return False

    @property
    def literals(self) -> frozenset[str]:
        return frozenset().union(*(strings for option in self.options for strings in option))

    @property
    def key(self) -> Literals:
        """Every match contains one of these (empty: no pre-check): index the check by them."""
        return self._key

    def key_by(self, uses: Mapping[str, int]) -> Literals:
        """Like `key`, from each alternative's requirement whose strings are least used
        in typical text (`uses`: string -> how many typical messages contain it)."""
        if not self._key:
            return self._key

        def rarity(strings: Literals) -> tuple[int, int, int]:  # ties: as `key` chooses
            return sum(uses.get(s, 0) for s in strings), -min(map(len, strings)), len(strings)

        return frozenset().union(*(min(option, key=rarity) for option in self.options))

    def _find_key(self) -> Literals:
        best = [_best(list(option)) for option in self.options]
        return frozenset().union(*best) if all(best) else frozenset()  # type: ignore[arg-type]


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
        """The literals in normalised `text` (padded, so edge spaces count)."""
        if self._empty:
            return frozenset()
        return frozenset(map(_VALUE, self._automaton.iter(f" {text} ")))
