"""Snapping misspelt words to a known vocabulary ("ibuprofin" -> "ibuprofen").

Shared by the matcher's analyser and the red-flag screen. A word is only
corrected when it is not an English word itself and is within a few typing
mistakes (OSA edits: a transposed pair counts as one) of a known word.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from english_words import get_english_words_set
from rapidfuzz import process
from rapidfuzz.distance import OSA

MAX_CACHED = 50_000  # corrections remembered per speller: bounded against hostile input


@cache
def english_words() -> frozenset[str]:
    """GCIDE's ~115,000 English words, lower-cased (loaded once, from the installed package)."""
    return frozenset(get_english_words_set(["gcide"], lower=True, alpha=True))


_ENDINGS = ("s", "es", "ed", "d", "ing", "ly", "er", "ers")


def is_english(word: str, endings: tuple[str, ...] = _ENDINGS) -> bool:
    """An English word, or one with a common ending ("hills", "limped"): the word list
    holds headwords only, and "hills" must never become "chills"."""
    words = english_words()
    return word in words or any(
        word.endswith(ending) and word[: -len(ending)] in words for ending in endings
    )


def max_edits(length: int) -> int:
    """Typos (OSA edits) a misspelling may have to be snapped to a known word."""
    if length < 4:
        return 0  # too short: "ta", "pt", "gp" are words, not typos
    if length < 8:
        return 1  # "phisio", "sciatia", "setle"; but "throat" is not "that"
    return 2  # "ibuprofin", "chiropracter", "accupunture"


def closest(word: str, vocabulary: list[str]) -> str | None:
    """The vocabulary word within `max_edits` of `word`, if any."""
    edits = max_edits(len(word))
    if not edits:
        return None
    best = process.extractOne(word, vocabulary, scorer=OSA.distance, score_cutoff=edits)
    return None if best is None else str(best[0])


class Speller:
    """Corrects words towards a small vocabulary: the red-flag rules' key words."""

    def __init__(self, vocabulary: Iterable[str]) -> None:
        self._vocabulary = sorted(set(vocabulary))
        self._known = frozenset(self._vocabulary)
        self._corrections: dict[str, str] = {}

    def correct(self, word: str) -> str:
        fixed = self._corrections.get(word)
        if fixed is not None:
            return fixed
        fixed = word
        if word not in self._known and word.isalpha() and not is_english(word):
            nearest = closest(word, self._vocabulary)
            if nearest is None and "shun" in word:  # "infecshun", "erecshun": spelt as said
                nearest = closest(word.replace("shun", "tion"), self._vocabulary)
            # "steroid" is no typo of "steroids": the rules say which they mean.
            if nearest and not (nearest.startswith(word) or word.startswith(nearest)):
                fixed = nearest
        if len(self._corrections) < MAX_CACHED:
            self._corrections[word] = fixed  # every word, so the next message only looks up
        return fixed

    def fix_words(self, words: list[str]) -> list[str]:
        """Normalised words with misspelt key words corrected ("numm" -> "numb")."""
        seen = self._corrections
        return [seen.get(word) or self.correct(word) for word in words]
