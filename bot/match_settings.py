"""Matcher thresholds and weights, read from `knowledge/matching.yaml`.

They are chosen by measurement (`python -m bench.calibrate` prints the sweep on
the labelled set), so they live in data, not in code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.validation import FieldReader, Problems
from bot.yaml_lines import line_of


@dataclass(frozen=True)
class MatchSettings:
    confident_score: float  # best topic at or above this (and clear of the runner-up): answer
    confident_margin: float  # how far ahead of the second topic a confident answer must be
    clarify_score: float  # at or above this but not confident: "did you mean"; below: fallback
    min_information: float  # a confident answer needs words this distinctive ("back" is not)
    bayes_weight: float  # share of the naive-Bayes posterior in the blended score
    word_weight: float  # share of word coverage; the rest is rapidfuzz's sentence score
    smoothing: float  # naive-Bayes additive smoothing (alpha)
    # Each word's naive-Bayes evidence is scaled by (its IDF / the highest IDF) to this
    # power: 0 is plain naive Bayes; above 0, words every topic uses ("back", "pain")
    # count for less.
    bayes_idf_power: float
    unknown_word_weight: float  # how much a word the knowledge base never uses dilutes the score
    candidate_topics: int  # topics re-scored with rapidfuzz after the word index narrows the field
    sentence_scorer: str  # a rapidfuzz.fuzz scorer name, one of SENTENCE_SCORERS
    out_of_scope_back_discount: float  # scales the out-of-scope score when the back is named
    no_pain_discount: float  # scales answer topics when nothing mentions pain, injury or the back
    pain_topic_discount: float  # scales it again for topics marked needs_pain_words
    help_topic_discount: float  # scales topics marked needs_help_words when no help is asked
    red_flag_score: float  # the red-flags topic at or above this ...
    red_flag_margin: float  # ... and this close to the best topic: urgent answer


SENTENCE_SCORERS = ("token_set_ratio", "token_sort_ratio", "token_ratio", "WRatio", "QRatio")
# Only a placeholder while problems are collected: a missing or invalid
# matching.yaml is reported, and the knowledge base then refuses to load.
DEFAULTS = MatchSettings(
    confident_score=60.0,
    confident_margin=0.0,
    clarify_score=20.0,
    min_information=0.0,
    bayes_weight=0.4,
    word_weight=0.3,
    smoothing=1.0,
    bayes_idf_power=0.0,
    unknown_word_weight=1.0,
    candidate_topics=4,
    sentence_scorer="token_sort_ratio",
    out_of_scope_back_discount=1.0,
    no_pain_discount=1.0,
    pain_topic_discount=1.0,
    help_topic_discount=1.0,
    red_flag_score=40.0,
    red_flag_margin=0.0,
)


def parse_match_settings(path: Path, data: Any, problems: Problems) -> MatchSettings:
    """Validate `matching.yaml`; problems are collected, a usable value always returned."""
    if not isinstance(data, dict):
        if data is not None:
            problems.add(path, line_of(data), "expected a mapping of matcher settings")
        return DEFAULTS
    fields = FieldReader(path, data, problems, "matching")
    fields.check_known(set(MatchSettings.__dataclass_fields__))
    settings = MatchSettings(
        confident_score=fields.number("confident_score", low=0, high=100),
        confident_margin=fields.number("confident_margin", low=0, high=100),
        clarify_score=fields.number("clarify_score", low=0, high=100),
        min_information=fields.number("min_information", low=0, high=100),
        bayes_weight=fields.number("bayes_weight", low=0, high=1),
        word_weight=fields.number("word_weight", low=0, high=1),
        smoothing=fields.number("smoothing", low=0.01, high=10),
        bayes_idf_power=fields.number("bayes_idf_power", low=0, high=4),
        unknown_word_weight=fields.number("unknown_word_weight", low=0, high=10),
        candidate_topics=int(fields.number("candidate_topics", low=1, high=1000)),
        sentence_scorer=fields.text("sentence_scorer"),
        out_of_scope_back_discount=fields.number("out_of_scope_back_discount", low=0, high=1),
        no_pain_discount=fields.number("no_pain_discount", low=0, high=1),
        pain_topic_discount=fields.number("pain_topic_discount", low=0, high=1),
        help_topic_discount=fields.number("help_topic_discount", low=0, high=1),
        red_flag_score=fields.number("red_flag_score", low=0, high=100),
        red_flag_margin=fields.number("red_flag_margin", low=0, high=100),
    )
    if settings.bayes_weight + settings.word_weight > 1:
        problems.add(path, line_of(data, "word_weight"), "bayes_weight + word_weight must be <= 1")
    if settings.sentence_scorer not in SENTENCE_SCORERS:
        problems.add(
            path,
            line_of(data, "sentence_scorer"),
            f"sentence_scorer must be one of {', '.join(SENTENCE_SCORERS)}",
        )
    if settings.clarify_score > settings.confident_score:
        problems.add(
            path, line_of(data, "clarify_score"), "clarify_score must not exceed confident_score"
        )
    return settings
