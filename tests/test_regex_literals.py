"""The red-flag pre-check may skip a regex only when that regex cannot match."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.quality import DATA, load_examples
from bot.checked_regex import CheckedPattern
from bot.knowledge import KnowledgeBase
from bot.regex_literals import LiteralCheck, LiteralFinder
from bot.text import normalise


def _skipped_matches(kb: KnowledgeBase, text: str) -> list[str]:
    plain = normalise(text)
    # Every rule's literals are among the screen's own finder's: one pass finds them all.
    present = kb.red_flags.finder.present(plain)
    return [
        check.pattern.source
        for rule in kb.red_flags.rules
        for check in rule.checks
        if not check.may_match(present) and check.pattern.search(plain)
    ]


def test_no_labelled_message_is_wrongly_skipped(kb: KnowledgeBase) -> None:
    texts = [e.text for path in sorted(DATA.glob("*.yaml")) for e in load_examples(path)]
    assert len(texts) > 1000
    assert [t for t in texts if _skipped_matches(kb, t)] == []


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_random_phrases_from_the_patterns_own_words(
    kb: KnowledgeBase, data: st.DataObject
) -> None:
    words = sorted(
        {w for r in kb.red_flags.rules for c in r.checks for s in c.literals for w in s.split()}
        | {"my", "i", "the", "back", "pain", "not", "no", "and"}
    )
    text = " ".join(data.draw(st.lists(st.sampled_from(words), max_size=25)))
    assert _skipped_matches(kb, text) == []


@pytest.mark.parametrize(
    ("pattern", "text", "possible"),
    [
        (r"(lost|losing) (\w+ ){0,3}(weight|kilos)", "i lost 6 kilos", True),
        (r"(lost|losing) (\w+ ){0,3}(weight|kilos)", "i lost my keys", False),
        (r"foot drop|drop foot", "my foot drops", True),
        (r"(can not|unable to) lift (\w+ )?(foot|toes)", "i can lift my leg", False),
        (r"\w+ing", "anything", True),  # nothing literal to require: always checked
    ],
)
def test_literal_requirements(pattern: str, text: str, possible: bool) -> None:
    check = LiteralCheck(CheckedPattern(pattern))
    assert check.may_match(LiteralFinder(check.literals).present(text)) is possible
    if not possible:
        assert re.search(pattern, text) is None


def test_every_red_flag_pattern_has_a_pre_check(kb: KnowledgeBase) -> None:
    # A pattern with an alternative of no literal word ("3[89] ?degrees") has no
    # pre-check: its regex would run on every message, for nothing.
    checks = [check for rule in kb.red_flags.rules for check in rule.checks]
    assert [check.pattern.source for check in checks if not check.key] == []
