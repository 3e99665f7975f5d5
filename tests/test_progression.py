"""The walk-to-run decision: every rule in order, and properties that hold for any history."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.knowledge import load_knowledge
from bot.ladder import Ladder
from bot.progression import Action, DayReport, History, PlanOutcome, decide, phase

LADDER: Ladder = load_knowledge().ladder
LAST = len(LADDER.stages) - 1
START = date(2026, 3, 2)
GOOD = (1, "fine")  # a good morning: low pain, yesterday's plan went fine


def _history(
    stage: str,
    *days: tuple[int, PlanOutcome | None],
    since: int = 0,
    gap: int | None = None,
    red_flag: bool = False,
) -> History:
    """Check-ins on consecutive days from START; `since` days before START the stage began."""
    reports = tuple(
        DayReport(START + timedelta(days=offset), pain, outcome)
        for offset, (pain, outcome) in enumerate(days)
    )
    today = reports[-1].day if reports else START
    return History(
        stage=LADDER.index_of(stage),
        stage_since=START - timedelta(days=since),
        reports=reports,
        previous_checkin=None if gap is None else today - timedelta(days=gap),
        red_flag=red_flag,
    )


CASES: list[tuple[str, History, Action, str, str]] = [
    # rule 1: a red flag pauses everything, whatever the pain
    ("red flag", _history("walk-run", GOOD, GOOD, red_flag=True), "stop", "walk-run", "clinician"),
    (
        "red flag wins over a gap",
        _history("walking", GOOD, gap=30, red_flag=True),
        "stop",
        "walking",
        "paused at Walking",
    ),
    # rule 2: a week or more since the last check-in
    (
        "gap of a week",
        _history("walk-run", GOOD, GOOD, gap=7),
        "step_back",
        "brisk-walking",
        "back one stage to Brisk walking: 7 days since your last check-in",
    ),
    (
        "gap at the bottom",
        _history("gentle-movement", GOOD, gap=12),
        "hold",
        "gentle-movement",
        "12 days since your last check-in",
    ),
    (
        "six days is no gap",
        _history("walk-run", GOOD, GOOD, since=3, gap=6),
        "advance",
        "easy-third",
        "moving up to Easy running",
    ),
    # rule 3: too much pain, or yesterday's plan made things worse
    (
        "pain 6",
        _history("walk-run", GOOD, (6, "fine")),
        "step_back",
        "brisk-walking",
        "back one stage to Brisk walking: this morning's pain was 6/10",
    ),
    (
        "pain 10 and worse",
        _history("two-thirds", (10, "worse")),
        "step_back",
        "easy-third",
        "this morning's pain was 10/10",
    ),
    (
        "worse",
        _history("easy-third", GOOD, (2, "worse")),
        "step_back",
        "walk-run",
        "back one stage to Walk-run: yesterday's plan made your back feel worse",
    ),
    (
        "worse at the bottom",
        _history("gentle-movement", (1, "worse")),
        "hold",
        "gentle-movement",
        "staying at Gentle movement: yesterday's plan made your back",
    ),
    # rule 4: acceptable pain, or a skipped plan: hold
    (
        "pain 4",
        _history("walk-run", GOOD, (4, "fine"), since=5),
        "hold",
        "walk-run",
        "holding at Walk-run: this morning's pain was 4/10",
    ),
    ("pain 5", _history("walking", GOOD, (5, None), since=5), "hold", "walking", "5/10"),
    (
        "skipped",
        _history("walking", GOOD, (0, "skipped"), since=5),
        "hold",
        "walking",
        "holding at Walking: yesterday's plan was skipped",
    ),
    # rule 5: back to usual training for good
    (
        "resolve",
        _history("usual-training", (1, "fine"), (0, "fine"), (1, "fine")),
        "resolve",
        "usual-training",
        "your last three check-ins had pain of 1/10 or less",
    ),
    (
        "resolve counts only the latest",
        _history("usual-training", (3, "fine"), (1, "fine"), (0, None), (1, "fine")),
        "resolve",
        "usual-training",
        "plan complete at Usual training",
    ),
    (
        "too few low days",
        _history("usual-training", (0, "fine"), (1, "fine")),
        "hold",
        "usual-training",
        "2 of 3 check-ins in a row",
    ),
    (
        "a pain of 2 is not low",
        _history("usual-training", (1, "fine"), (2, "fine"), (1, "fine")),
        "hold",
        "usual-training",
        "1 of 3",
    ),
    # rule 6: two good days, the stage's minimum done, not at the top: move up
    (
        "advance",
        _history("walking", GOOD, (3, "fine")),
        "advance",
        "brisk-walking",
        "moving up to Brisk walking: two good days in a row",
    ),
    (
        "advance from a first check-in",
        _history("gentle-movement", (2, None), GOOD),
        "advance",
        "walking",
        "two good days in a row",
    ),
    (
        "minimum days not done",
        _history("easy-third", GOOD, GOOD, GOOD),
        "hold",
        "easy-third",
        "holding at Easy running: day 3 of at least 7 days at this stage",
    ),
    (
        "minimum days done",
        _history("easy-third", GOOD, GOOD, since=5),
        "advance",
        "two-thirds",
        "moving up to Two-thirds",
    ),
    # rule 7: otherwise hold
    (
        "one good day",
        _history("walking", GOOD),
        "hold",
        "walking",
        "holding at Walking: one good day in a row so far, two needed to move up",
    ),
    (
        "good after acceptable",
        _history("walking", (4, "fine"), GOOD, since=3),
        "hold",
        "walking",
        "one good day",
    ),
    ("no check-in", _history("walk-run"), "hold", "walk-run", "no check-in today yet"),
]


@pytest.mark.parametrize(
    ("history", "action", "stage", "reason"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_decide(history: History, action: Action, stage: str, reason: str) -> None:
    decision = decide(history, LADDER)
    assert (decision.action, decision.stage) == (action, LADDER.index_of(stage))
    assert reason in decision.reason
    assert "\n" not in decision.reason


@pytest.mark.parametrize(
    ("weeks", "expected"),
    [(0, "acute"), (3.9, "acute"), (4, "subacute"), (12, "subacute"), (12.1, "chronic")],
)
def test_phase(weeks: float, expected: str) -> None:
    assert phase(weeks) == expected


outcomes = st.sampled_from(["fine", "worse", "skipped", None])


@st.composite
def histories(draw: st.DrawFn) -> History:
    stage = draw(st.integers(0, LAST))
    day = START + timedelta(days=draw(st.integers(0, 10)))
    reports = []
    for _ in range(draw(st.integers(0, 8))):
        pain = draw(st.integers(0, 10))
        reports.append(DayReport(day, pain, draw(outcomes)))
        day += timedelta(days=draw(st.integers(1, 3)))
    today = reports[-1].day if reports else START
    previous = draw(st.none() | st.integers(1, 20).map(lambda n: today - timedelta(days=n)))
    return History(stage, START, tuple(reports), previous, draw(st.booleans()))


@given(histories())
def test_any_history_moves_at_most_one_stage_within_the_ladder(history: History) -> None:
    decision = decide(history, LADDER)
    assert 0 <= decision.stage <= LAST
    assert abs(decision.stage - history.stage) <= 1
    step = {"advance": 1, "step_back": -1}.get(decision.action, 0)
    assert decision.stage == history.stage + step
    assert LADDER.stage(decision.stage).name in decision.reason
    assert decide(history, LADDER) == decision


@given(histories())
def test_no_advance_on_a_bad_morning(history: History) -> None:
    decision = decide(history, LADDER)
    if history.reports:
        today = history.reports[-1]
        if today.pain >= 4 or today.outcome in ("worse", "skipped"):
            assert decision.action not in ("advance", "resolve")
    if history.red_flag:
        assert decision.action == "stop"
