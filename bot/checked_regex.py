"""Regular expressions checked when the knowledge base loads, compiled when first used.

Compiling the ~600 red-flag patterns was most of the knowledge base's load
time, yet a message only ever runs the few whose words it contains (see
`regex_literals.py`). Python compiles a pattern in two steps: a parse, which
finds nearly every mistake, and code generation, which adds one more check
(a look-behind must have a fixed width). So at load a pattern is parsed and
its look-behinds measured: a bad pattern still stops the bot with its file and
line. Code generation waits for the first message that needs the pattern.
The parse tree is kept for the literal pre-check, which takes it once instead
of parsing again; then it is dropped (all trees together weigh about 8 MB).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

try:  # the parser is private: if it moves, patterns are simply compiled at load
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - other Python versions
    sre_parser = None
    sre_constants = None


class CheckedPattern:
    """A pattern known to compile, compiled on its first search."""

    __slots__ = ("_regex", "_tree", "source")

    def __init__(self, source: str, *, known_good: bool = False) -> None:
        """Raises `re.error`, as `re.compile` would, for a pattern that cannot compile.

        `known_good`: this exact pattern passed these checks before, under this
        Python (`precheck_cache.py` says so), and need not be parsed again.
        """
        self.source = source
        self._tree: Any = None  # the parse tree, when Python's parser is reachable
        self._regex: re.Pattern[str] | None = None
        if known_good:
            return
        if sre_parser is None:
            self._regex = re.compile(source)
            return
        self._tree = sre_parser.parse(source)
        if "(?<" in source:  # "(?<!" or "(?<=", or a named group: worth the walk
            _check_lookbehinds(self._tree)

    def take_tree(self) -> Any:
        """The parse tree, once (None afterwards, or without Python's parser)."""
        tree, self._tree = self._tree, None
        if tree is None and sre_parser is not None:
            tree = sre_parser.parse(self.source)  # asked twice: parse again
        return tree

    @property
    def regex(self) -> re.Pattern[str]:
        if self._regex is None:
            self._regex = re.compile(self.source)
        return self._regex

    def search(self, text: str) -> re.Match[str] | None:
        return self.regex.search(text)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.regex.finditer(text)

    def __repr__(self) -> str:
        return f"CheckedPattern({self.source!r})"


def _check_lookbehinds(items: Any) -> None:
    """The one check of `re.compile` that its parser leaves to code generation."""
    c = sre_constants
    for op, arg in getattr(items, "data", items):  # a parsed pattern's plain list
        if op in (c.ASSERT, c.ASSERT_NOT):
            direction, inner = arg
            if direction < 0:
                low, high = inner.getwidth()
                if low != high:
                    raise re.error("look-behind requires fixed-width pattern")
            _check_lookbehinds(inner)
        elif op is c.SUBPATTERN:
            _check_lookbehinds(arg[-1])
        elif op is c.BRANCH:
            for branch in arg[1]:
                _check_lookbehinds(branch)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            _check_lookbehinds(arg[2])
        elif op is c.ATOMIC_GROUP:
            _check_lookbehinds(arg)
        elif op is c.GROUPREF_EXISTS:
            for branch in arg[1:]:
                if branch is not None:
                    _check_lookbehinds(branch)


__all__ = ["CheckedPattern", "sre_constants", "sre_parser"]
