"""The matcher's word knowledge: synonym concepts, spellings, stopwords, scope words."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import ahocorasick

from bot.text import normalise
from bot.validation import FieldReader, Problems
from bot.yaml_lines import line_of

_FIELDS = {
    "concepts",
    "spellings",
    "stopwords",
    "other_body_parts",
    "other_complaints",
    "surface_complaints",
    "study_and_work",
    "general_questions",
    "back_context",
    "back_idioms",
    "pain_context",
    "other_subjects",
    "animals",
    "general_pain_words",
    "help_words",
    "fillers",
    "named_treatments",
}


@dataclass(frozen=True)
class Lexicon:
    """Normalised phrases: `concepts` maps each phrase to its concept name."""

    concepts: dict[str, str]
    spellings: dict[str, str]
    stopwords: frozenset[str]
    other_body_parts: frozenset[str]
    other_complaints: frozenset[str]
    surface_complaints: frozenset[str]
    back_context: frozenset[str]
    back_idioms: frozenset[str]
    pain_context: frozenset[str]
    other_subjects: frozenset[str]
    animals: frozenset[str] = frozenset()  # a pet's back is never the runner's
    # Pain in general, denied outright ("no injuries at all") means no pain question.
    general_pain_words: frozenset[str] = frozenset()
    # Asking for help ("what works", "how do I manage it"): with a relief concept or a
    # named treatment, what topics marked needs_help_words look for in a message.
    help_words: frozenset[str] = frozenset()
    study_and_work: frozenset[str] = frozenset()  # outside unless the runner's own pain
    general_questions: frozenset[str] = frozenset()  # the same: history, prices, cover
    # Words that only add emphasis ("what ACTUALLY helps"): dropped before matching,
    # so they neither count as evidence nor break a synonym phrase apart.
    fillers: frozenset[str] = frozenset()
    # Concepts that name a treatment: a closing question that only refers back to
    # one ("would either of those help?") is about the treatments named before it.
    named_treatments: frozenset[str] = frozenset()

    def all_phrases(self) -> frozenset[str]:
        """Every phrase of the scope lists: words the spelling fixer must know as words."""
        return (
            self.other_body_parts
            | self.other_complaints
            | self.surface_complaints
            | self.study_and_work
            | self.general_questions
            | self.back_context
            | self.back_idioms
            | self.pain_context
            | self.other_subjects
            | self.animals
        )

    @cached_property
    def scope_phrase_lengths(self) -> dict[str, int]:
        """The longest scope phrase starting with each word: most words start none."""
        return longest_phrase_by_first_word(
            frozenset().union(
                self.back_context,
                self.pain_context,
                self.surface_complaints,
                self.study_and_work,
                self.general_questions,
                self.other_body_parts,
                self.other_complaints,
            )
        )

    @cached_property
    def elsewhere(self) -> frozenset[str]:
        """Another body part or complaint: outside, when the back is not named too."""
        return self.other_body_parts | self.other_complaints

    @cached_property
    def idioms_longest_first(self) -> tuple[str, ...]:
        """Back idioms, longest first in a fixed order: "back to back" before "back to"."""
        return tuple(sorted(self.back_idioms, key=lambda phrase: (-len(phrase), phrase)))

    @cached_property
    def idioms_of_no_topic(self) -> tuple[str, ...]:
        """Back idioms that hold no synonym phrase with "back" ("back garden", "back on
        track", not "keeps coming back"): their "back" is evidence for no topic."""
        phrases = [f" {phrase} " for phrase in self.concepts if "back" in phrase.split()]
        return tuple(
            idiom
            for idiom in self.idioms_longest_first
            if not any(phrase in f" {idiom} " or f" {idiom} " in phrase for phrase in phrases)
        )


def blank_back_idioms(words: list[str], idioms: tuple[str, ...]) -> list[str]:
    """Words with the "back" of idioms like "back to back" or "get back to" blanked out.

    Only "back" goes (to "_"): in "the back of my heel" the heel still counts.
    Overlapping idioms ("run back" and "back to back" in "run back to back races")
    all count.
    """
    if not idioms or "back" not in words:
        return words  # nothing to blank out
    text = f" {' '.join(words)} "
    blank: set[int] = set()  # character offsets of the "back"s inside an idiom
    for end, (length, backs) in _idiom_finder(idioms).iter(text):
        start = end + 1 - length  # where " idiom " starts in the text
        blank.update(start + offset for offset in backs)
    if not blank:
        return words
    blanked: list[str] = []
    offset = 1
    for word in words:
        blanked.append("_" if offset in blank else word)
        offset += len(word) + 1
    return blanked


_BACK = re.compile(r"\bback\b")


@cache
def _idiom_finder(idioms: tuple[str, ...]) -> ahocorasick.Automaton:
    """Every idiom, found in one pass (Aho-Corasick) between spaces; each with the
    length of " idiom " and the offsets of its "back"s in it."""
    automaton = ahocorasick.Automaton()
    for idiom in idioms:
        padded = f" {idiom} "
        automaton.add_word(padded, (len(padded), tuple(m.start() for m in _BACK.finditer(padded))))
    if idioms:
        automaton.make_automaton()
    return automaton


def longest_phrase_by_first_word(phrases: Iterable[str]) -> dict[str, int]:
    """Word -> length in words of the longest phrase starting with it (phrases non-empty)."""
    lengths: dict[str, int] = {}
    for phrase in phrases:
        words = phrase.split()
        lengths[words[0]] = max(len(words), lengths.get(words[0], 1))
    return lengths


def _phrases(fields: FieldReader, key: str, required: bool = True) -> frozenset[str]:
    return frozenset(p for p in (normalise(t) for t in fields.texts(key, required=required)) if p)


def _parse_concepts(path: Path, raw: Any, problems: Problems) -> dict[str, str]:
    concepts: dict[str, str] = {}
    if not isinstance(raw, dict):
        problems.add(path, line_of(raw), "'concepts' must map a concept name to a list of phrases")
        return concepts
    for name, phrases in raw.items():
        line = line_of(raw, name)
        if not isinstance(phrases, list) or not all(isinstance(p, str | int) for p in phrases):
            problems.add(path, line, f"concept '{name}' must be a list of phrases")
            continue
        for phrase in phrases:
            plain = normalise(str(phrase))
            owner = concepts.get(plain)
            if owner is not None and owner != name:
                problems.add(path, line, f"phrase '{phrase}' is in both '{owner}' and '{name}'")
            elif plain:
                concepts[plain] = str(name)
    return concepts


def _parse_spellings(path: Path, raw: Any, problems: Problems) -> dict[str, str]:
    if not isinstance(raw, dict):
        problems.add(path, line_of(raw), "'spellings' must map a spelling to its usual form")
        return {}
    spellings: dict[str, str] = {}
    for variant, usual in raw.items():
        if not isinstance(usual, str) or not normalise(usual):
            problems.add(path, line_of(raw, variant), f"spelling '{variant}' needs a usual form")
            continue
        spellings[normalise(str(variant))] = normalise(usual)
    return spellings


def parse_lexicon(path: Path, data: Any, problems: Problems) -> Lexicon:
    """Validate `lexicon.yaml`; problems are collected, a usable value always returned."""
    if not isinstance(data, dict):
        if data is not None:
            problems.add(path, line_of(data), "expected a mapping (concepts, spellings, ...)")
        data = {}
    fields = FieldReader(path, data, problems, "lexicon")
    fields.check_known(_FIELDS)
    concepts = _parse_concepts(path, data.get("concepts", {}), problems)
    return Lexicon(
        concepts=concepts,
        spellings=_parse_spellings(path, data.get("spellings", {}), problems),
        stopwords=_phrases(fields, "stopwords"),
        other_body_parts=_phrases(fields, "other_body_parts"),
        other_complaints=_phrases(fields, "other_complaints"),
        surface_complaints=_phrases(fields, "surface_complaints"),
        back_context=_phrases(fields, "back_context"),
        back_idioms=_phrases(fields, "back_idioms"),
        pain_context=_phrases(fields, "pain_context"),
        other_subjects=_phrases(fields, "other_subjects"),
        animals=_phrases(fields, "animals"),
        general_pain_words=_phrases(fields, "general_pain_words"),
        help_words=_phrases(fields, "help_words", required=False),
        study_and_work=_phrases(fields, "study_and_work"),
        general_questions=_phrases(fields, "general_questions"),
        fillers=_phrases(fields, "fillers", required=False),
        named_treatments=_concept_names(path, data, concepts, problems),
    )


def _concept_names(
    path: Path, data: dict[str, Any], concepts: dict[str, str], problems: Problems
) -> frozenset[str]:
    """`named_treatments`: names of concepts, each checked against `concepts`."""
    raw = data.get("named_treatments", [])
    known = set(concepts.values())
    if not isinstance(raw, list):
        problems.add(path, line_of(data, "named_treatments"), "'named_treatments' must be a list")
        return frozenset()
    names: set[str] = set()
    for index, name in enumerate(raw):
        if name not in known:
            problems.add(path, line_of(raw, index), f"named_treatments: no concept '{name}'")
        else:
            names.add(str(name))
    return frozenset(names)
