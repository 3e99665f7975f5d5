"""The quality floors on our labelled set (tests/data/labelled.yaml).

The set was written by someone who had not seen the knowledge base's example
questions; thresholds were calibrated on it (bench/calibrate.py).
tests/data/generalisation.yaml, written independently and never tuned on,
is printed by `python -m bench.quality`: it is the honest figure for new messages.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.quality import GENERALISATION, LABELLED, RED_FLAG_PROBE, evaluate, load_examples
from bot.matcher import Matcher


def test_labelled_set_is_large_and_covers_every_topic(matcher: Matcher) -> None:
    examples = load_examples(LABELLED)
    assert len(examples) >= 250
    labelled_topics = {e.topic for e in examples}
    assert set(matcher._kb.topics) <= labelled_topics
    assert {"typo", "regional", "slang", "long", "redflag", "negated", "oos"} <= {
        e.tag for e in examples
    }


def test_quality_floors(matcher: Matcher) -> None:
    report = evaluate(matcher.match, load_examples(LABELLED))
    print(report.summary())
    assert report.accuracy >= 0.90, report.misses
    assert report.recall == 1.0, [m for m in report.misses if m.startswith("red-flags")]
    assert report.abstention >= 0.90, [m for m in report.misses if m.startswith("None")]


@pytest.mark.parametrize("path", [GENERALISATION, RED_FLAG_PROBE], ids=lambda p: p.name)
def test_every_warning_sign_in_the_other_sets_is_caught(matcher: Matcher, path: Path) -> None:
    report = evaluate(matcher.match, load_examples(path))
    assert report.red_flags >= 40
    assert report.recall == 1.0, [m for m in report.misses if m.startswith("red-flags")]


def test_denials_and_near_misses_are_not_alarms(matcher: Matcher) -> None:
    calm = [e for e in load_examples(RED_FLAG_PROBE) if e.tag in {"negated", "nearmiss"}]
    alarmed = [e.text for e in calm if matcher.match(e.text).kind == "urgent"]
    # A couple of third-party mentions ("my friend was in a car crash") stay on the safe side.
    assert len(calm) >= 90
    assert len(alarmed) <= 3, alarmed
