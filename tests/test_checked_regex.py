"""A red-flag pattern accepted at load must compile at its first use, and vice versa."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.checked_regex import CheckedPattern
from bot.knowledge import KnowledgeBase

# Pieces that build both sensible and broken patterns: groups, look-arounds of
# fixed and varying widths, repeats, classes, conditionals and group references.
_PIECES = st.sampled_from(
    ["a", "bc", " ", "|", "(", ")", "(?:", "(?<!", "(?<=", "(?=", "(?!", "(?P<n>", "(?(1)",
     "(?(n)", "\\1", "\\w", "\\b", "*", "+", "?", "{0,2}", "{2}", "[ab]", "[", "]", "\\"]
)  # fmt: skip
# Look-behinds whose width may or may not vary, inside other constructs.
_LOOK_BEHIND = st.tuples(
    st.sampled_from(["(?<!", "(?<="]),
    st.lists(
        st.sampled_from(["a", "bc", "|", "?", "*", "{2}", "{1,2}", "(", ")", "\\w"]), max_size=5
    ),
).map(lambda parts: parts[0] + "".join(parts[1]) + ")")


def _error(make: object, source: str) -> str | None:
    try:
        make(source)  # type: ignore[operator]
    except re.error as exc:
        return exc.msg
    return None


@pytest.mark.filterwarnings("ignore::FutureWarning")  # "[[": both warn alike
@settings(max_examples=1500, deadline=None)
@given(st.lists(st.one_of(_PIECES, _LOOK_BEHIND), max_size=8).map("".join))
def test_checked_exactly_when_it_compiles(source: str) -> None:
    assert _error(CheckedPattern, source) == _error(re.compile, source)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab|()?<!=*+ \\", max_size=16))
def test_checked_exactly_when_it_compiles_for_any_text(source: str) -> None:
    assert _error(CheckedPattern, source) == _error(re.compile, source)


def test_a_checked_pattern_finds_what_the_compiled_one_finds(kb: KnowledgeBase) -> None:
    text = "i can not feel my bum when i wipe and i wet myself last night with a fever"
    for rule in kb.red_flags.rules:
        for pattern in rule.patterns:
            expected = [m.span() for m in re.finditer(pattern.source, text)]
            assert [m.span() for m in pattern.finditer(text)] == expected
            assert (pattern.search(text) is None) == (not expected)
