"""The walk-to-run ladder loads, reads well with and without volumes, and refuses mistakes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.knowledge import KnowledgeBase
from bot.ladder import MAX_PLAN_CHARS, Ladder, plan_text
from bot.volume import UsualVolume, format_volume, parse_volume
from tests.knowledge_edits import assert_refused_at, edit, line_of, problems_of

STAGE_IDS = (
    "gentle-movement",
    "walking",
    "brisk-walking",
    "walk-run",
    "easy-third",
    "two-thirds",
    "usual-training",
)
DOSE = re.compile(r"\b\d+\s?(mg|milligrams?|tablets?|pills?|times a day)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def ladder(kb: KnowledgeBase) -> Ladder:
    return kb.ladder


def test_real_ladder_has_the_seven_stages_in_order(ladder: Ladder) -> None:
    assert tuple(stage.id for stage in ladder.stages) == STAGE_IDS
    assert ladder.source
    for stage in ladder.stages:
        assert stage.name
        assert 0 < len(stage.plan) <= MAX_PLAN_CHARS
        assert stage.min_days >= 1
        assert not DOSE.search(stage.plan), stage.id
    fractions = [stage.volume_fraction for stage in ladder.stages]
    assert fractions[:4] == [None] * 4
    assert fractions[4:] == [0.33, 0.67, 1.0]
    assert "10%" in ladder.stages[-1].plan


def test_rules_and_starting_stages(ladder: Ladder) -> None:
    rules = ladder.rules
    assert (rules.good_pain_max, rules.hold_pain_max) == (3, 5)
    assert (rules.good_days_to_advance, rules.gap_days) == (2, 7)
    assert (rules.resolve_pain_max, rules.resolve_checkins) == (1, 3)
    starts = {pain: ladder.starting_stage(pain) for pain in range(11)}
    assert all(ladder.stage(index).volume_fraction is None for index in starts.values())
    assert starts[0] == ladder.index_of("brisk-walking")
    assert starts[5] == ladder.index_of("walking")
    assert starts[10] == ladder.index_of("gentle-movement")
    assert ladder.starting_stage(-3) == starts[0]
    assert ladder.starting_stage(42) == starts[10]


def test_stage_clamps_and_index_of_raises(ladder: Ladder) -> None:
    assert ladder.stage(-1) == ladder.stages[0]
    assert ladder.stage(99) == ladder.stages[-1]
    assert ladder.index_of("walk-run") == 3
    with pytest.raises(KeyError):
        ladder.index_of("sprinting")


def test_plan_text_with_a_usual_volume(ladder: Ladder) -> None:
    usual = UsualVolume(30, "km")
    easy = plan_text(ladder.stage(ladder.index_of("easy-third")), usual)
    assert easy.startswith(ladder.stage(4).plan)
    assert easy.endswith("About 10 km this week: one-third of your usual 30 km.")
    two = plan_text(ladder.stage(5), usual)
    assert two.endswith("About 20 km this week: two-thirds of your usual 30 km.")
    top = plan_text(ladder.stage(6), usual)
    assert "About 30 km this week: your usual 30 km, then at most 3 km more a week." in top


@pytest.mark.parametrize(
    ("usual", "expected"),
    [
        (UsualVolume(20, "mi"), "About 6.5 miles this week"),
        (UsualVolume(8, "km"), "About 2.5 km this week"),
        (UsualVolume(180, "min"), "About 60 minutes this week"),
        (UsualVolume(100, "min"), "About 35 minutes this week"),
        (UsualVolume(1, "mi"), "About 0.5 miles this week"),
    ],
)
def test_plan_text_rounds_sensibly(ladder: Ladder, usual: UsualVolume, expected: str) -> None:
    assert expected in plan_text(ladder.stage(4), usual)


def test_plan_text_without_a_volume(ladder: Ladder) -> None:
    walking = ladder.stage(1)
    assert plan_text(walking, None) == walking.plan
    assert plan_text(walking, UsualVolume(30, "km")) == walking.plan
    easy = plan_text(ladder.stage(4), None)
    assert easy.endswith("about one-third of what you'd normally run in a week.")
    assert "two-thirds of what you'd normally run" in plan_text(ladder.stage(5), None)
    assert "km" not in plan_text(ladder.stage(6), None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30 km", UsualVolume(30, "km")),
        ("30km", UsualVolume(30, "km")),
        ("25k", UsualVolume(25, "km")),
        ("12,5 km", UsualVolume(12.5, "km")),
        ("12.5 kilometres", UsualVolume(12.5, "km")),
        ("20 miles", UsualVolume(20, "mi")),
        ("20 mi", UsualVolume(20, "mi")),
        ("1 mile", UsualVolume(1, "mi")),
        ("180 minutes", UsualVolume(180, "min")),
        ("180 min", UsualVolume(180, "min")),
        ("3 hours", UsualVolume(180, "min")),
        ("3h", UsualVolume(180, "min")),
        ("1,5 hrs", UsualVolume(90, "min")),
        ("about 40 km a week", UsualVolume(40, "km")),
        ("  30 KM per week ", UsualVolume(30, "km")),
        ("30 km/week", UsualVolume(30, "km")),
        ("30 km a week.", UsualVolume(30, "km")),
        ("500 km", UsualVolume(500, "km")),
        ("300 mi", UsualVolume(300, "mi")),
    ],
)
def test_parse_volume_reads(text: str, expected: UsualVolume) -> None:
    assert parse_volume(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "30",
        "km",
        "lots",
        "0 km",
        "-5 km",
        "501 km",
        "301 miles",
        "3001 min",
        "51 hours",
        "1,500 minutes",
        "30 m",
        "2h30",
        "30 km or 40 km",
        "thirty km",
    ],
)
def test_parse_volume_refuses_unclear_text(text: str) -> None:
    assert parse_volume(text) is None


@pytest.mark.parametrize(
    ("volume", "text"),
    [
        (UsualVolume(30, "km"), "30 km"),
        (UsualVolume(12.5, "km"), "12.5 km"),
        (UsualVolume(20, "mi"), "20 miles"),
        (UsualVolume(1, "mi"), "1 mile"),
        (UsualVolume(180, "min"), "180 minutes"),
    ],
)
def test_format_volume(volume: UsualVolume, text: str) -> None:
    assert format_volume(volume) == text
    assert parse_volume(text) == volume


# Broken ladder files: every mistake names ladder.yaml and the line to fix.


# (old text, new text, the line to expect (found by this text after the edit), reason)
BROKEN = [
    ("    min_days: 3\n", "    min_days: 0\n", "min_days: 0", "'min_days' must be a whole number"),
    ("    min_days: 3\n", "    min_days: 2.5\n", "min_days: 2.5", "'min_days' must be a whole"),
    (
        "  - id: walking\n",
        "  - id: gentle-movement\n",
        "  - id: gentle-movement\n    name: Walk",
        "duplicate stage id 'gentle-movement' (first on line",
    ),
    ("  - id: walk-run\n", "  - id: Walk_Run\n", "id: Walk_Run", "lower-case-with-dashes"),
    ("volume_fraction: 0.67", "volume_fraction: 0.2", "volume_fraction: 0.2", "must not go down"),
    (
        "volume_fraction: 0.33",
        "volume_fraction: 0",
        "volume_fraction: 0\n",
        "above 0 and at most 1",
    ),
    (
        "volume_fraction: 1.0",
        "volume_fraction: 0.9",
        "  - id: usual-training",
        "volume_fraction 1.0",
    ),
    (
        "    name: Walk-run\n",
        "    name: Walk-run\n    distance: 5\n",
        "distance: 5",
        "unknown field",
    ),
    ("    name: Walk-run\n", "", "  - id: walk-run", "missing required field 'name'"),
    (
        "  good_pain_max: 3",
        "  good_pain_max: 6",
        "hold_pain_max: 5",
        "good_pain_max < hold_pain_max",
    ),
    ("  gap_days: 7", "  gap_days: seven", "gap_days: seven", "'gap_days' must be a whole number"),
    # A missing key is reported where its mapping starts (as everywhere in the knowledge base).
    ("  resolve_checkins: 3\n", "", "  good_pain_max: 3", "missing required field"),
    ("pain_min: 4, pain_max: 5", "pain_min: 3, pain_max: 5", "pain_min: 3", "pain 3 is already"),
    (
        "pain_min: 4, pain_max: 5",
        "pain_min: 5, pain_max: 5",
        "start_stage_by_pain:",
        "misses pain 4",
    ),
    ("stage: walking}", "stage: jogging}", "stage: jogging", "unknown stage 'jogging'"),
    ("stage: walking}", "stage: easy-third}", "stage: easy-third", "must not start in a running"),
    ("  gap_days: 7", "  gap_days: 7\n  gap_days: 8", "  gap_days: 8", "duplicate key 'gap_days'"),
]


@pytest.mark.parametrize(("old", "new", "where", "reason"), BROKEN)
def test_broken_ladder_is_refused_with_file_and_line(
    kb_copy: Path, old: str, new: str, where: str, reason: str
) -> None:
    path = kb_copy / "ladder.yaml"
    assert_refused_at(path, old, new, where, reason)


def test_missing_ladder_file_is_reported(kb_copy: Path) -> None:
    (kb_copy / "ladder.yaml").unlink()
    problems = problems_of(kb_copy)
    assert any(p.startswith(f"{kb_copy / 'ladder.yaml'}:1: cannot read file") for p in problems)


def test_every_ladder_mistake_is_reported_at_once(kb_copy: Path) -> None:
    path = kb_copy / "ladder.yaml"
    edit(path, "    min_days: 3\n", "    min_days: -1\n")
    edit(path, "  gap_days: 7", "  gap_days: 0")
    problems = problems_of(kb_copy)
    assert f"{path}:{line_of(path, 'min_days: -1')}:" in "\n".join(problems)
    assert f"{path}:{line_of(path, 'gap_days: 0')}:" in "\n".join(problems)
