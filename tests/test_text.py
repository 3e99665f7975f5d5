"""Normalisation: what every message becomes before matching and red-flag rules."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import text
from bot.text import normalise


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("Sooo SORE!!!", "soo sore"),
        ("can't run, I'm stiff", "can not run i am stiff"),
        ("runner\u2019s back", "runner back"),
        ("Caf\u00e9 au lait \U0001f605", "cafe au lait"),
        ("zero\u200bwidth", "zerowidth"),
        ("feeeel 3000m", "feel 3000m"),
        ("The leg's not weak, let's not panic", "the leg is not weak let us not panic"),
    ],
)
def test_normalise(typed: str, plain: str) -> None:
    assert normalise(typed) == plain


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127)).map(str.casefold))
def test_the_ascii_shortcut_finds_the_same_words(cased: str) -> None:
    general = text._WORD_WITH_APOSTROPHE.findall(text._REPEATS.sub(r"\1\1", cased))
    assert text._words(cased) == general


def test_emoji_that_stand_for_a_word_become_that_word() -> None:
    assert normalise("🔥 or 🧊 for my back?") == "heat or ice for my back"
    assert normalise("🛌 or 🚶‍♂️??") == "bed or walk"
    assert normalise("sore back 😩😩") == "sore back"  # any other emoji is a space


def test_digits_of_every_script_become_ascii() -> None:
    # The red-flag pre-check takes a pattern's \d for 0-9: no other digit may reach it.
    assert normalise("I'm ٥٨, temp ३९ for ２ days") == "i am 58 temp 39 for 2 days"
