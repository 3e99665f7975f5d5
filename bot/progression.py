"""The walk-to-run decision after a morning check-in: move up, hold, step back, stop or finish.

Pure: the caller passes the history (dates already in the runner's local time)
and the ladder; nothing here reads a clock, a database or Telegram. The rules
follow the pain-monitoring model (spec/clinical.md): the morning-after pain and
how yesterday's plan went decide, with the thresholds in `knowledge/ladder.yaml`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from bot.ladder import Ladder

PlanOutcome = Literal["fine", "worse", "skipped"]  # done and fine / done, back worse / skipped
Action = Literal["advance", "hold", "step_back", "stop", "resolve"]
Phase = Literal["acute", "subacute", "chronic"]

_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


@dataclass(frozen=True)
class DayReport:
    day: date
    pain: int  # pain right now, 0-10
    outcome: PlanOutcome | None  # None: no plan to report on (first check-in)


@dataclass(frozen=True)
class History:
    stage: int  # stage index at the start of `today` (before today's decision)
    stage_since: date  # local date the runner started that stage
    # Check-ins since stage_since, oldest first, at most one a day; the last is today's.
    reports: tuple[DayReport, ...]
    previous_checkin: date | None = None  # the check-in day before today's (any stage)
    red_flag: bool = False  # a red flag was raised and no clinician has been confirmed


@dataclass(frozen=True)
class Decision:
    action: Action
    stage: int
    reason: str  # one plain line naming the stage and the deciding fact


def phase(onset_weeks: float) -> Phase:
    """Phase of the episode from its onset: < 4 weeks acute, 4-12 subacute, > 12 chronic."""
    if onset_weeks < 4:
        return "acute"
    if onset_weeks <= 12:
        return "subacute"
    return "chronic"


def _count(number: int) -> str:
    return _NUMBER_WORDS[number] if 0 <= number < len(_NUMBER_WORDS) else str(number)


def _days(number: int) -> str:
    return "1 day" if number == 1 else f"{number} days"


def _good_streak(history: History, ladder: Ladder) -> int:
    """How many of the latest reports in a row were good days."""
    streak = 0
    for report in reversed(history.reports):
        if report.pain > ladder.rules.good_pain_max or report.outcome not in ("fine", None):
            break
        streak += 1
    return streak


def _low_streak(history: History, ladder: Ladder) -> int:
    """How many of the latest reports in a row count towards finishing the plan."""
    streak = 0
    for report in reversed(history.reports):
        if report.pain > ladder.rules.resolve_pain_max or report.outcome == "worse":
            break
        streak += 1
    return streak


def _back(ladder: Ladder, stage: int, fact: str) -> Decision:
    if stage == 0:
        return Decision("hold", 0, f"staying at {ladder.stage(0).name}: {fact}")
    lower = ladder.stage(stage - 1).name
    return Decision("step_back", stage - 1, f"back one stage to {lower}: {fact}")


def _setback(history: History, ladder: Ladder, stage: int, today: DayReport) -> Decision | None:
    """Rules 2-4: a long gap, too much pain, a worse back or a skipped plan."""
    rules = ladder.rules
    name = ladder.stage(stage).name
    if history.previous_checkin is not None:
        gap = (today.day - history.previous_checkin).days
        if gap >= rules.gap_days:
            return _back(ladder, stage, f"{gap} days since your last check-in")
    if today.pain > rules.hold_pain_max:
        return _back(ladder, stage, f"this morning's pain was {today.pain}/10")
    if today.outcome == "worse":
        return _back(ladder, stage, "yesterday's plan made your back feel worse")
    if today.pain > rules.good_pain_max:
        fact = f"this morning's pain was {today.pain}/10"
        return Decision("hold", stage, f"holding at {name}: {fact}")
    if today.outcome == "skipped":
        return Decision("hold", stage, f"holding at {name}: yesterday's plan was skipped")
    return None


def _progress(history: History, ladder: Ladder, stage: int, today: DayReport) -> Decision:
    """Rules 5-7 on a good morning: finish, move up, or hold until the stage is done."""
    rules = ladder.rules
    current = ladder.stage(stage)
    last = len(ladder.stages) - 1
    if stage == last:
        low = _low_streak(history, ladder)
        need = f"pain of {rules.resolve_pain_max}/10 or less"
        if low >= rules.resolve_checkins:
            fact = f"your last {_count(rules.resolve_checkins)} check-ins had {need}"
            return Decision("resolve", stage, f"plan complete at {current.name}: {fact}")
        fact = f"{low} of {rules.resolve_checkins} check-ins in a row with {need} so far"
        return Decision("hold", stage, f"staying at {current.name}: {fact}")
    good = _good_streak(history, ladder)
    if good < rules.good_days_to_advance:
        days = f"{_count(good)} good day{'' if good == 1 else 's'} in a row so far"
        fact = f"{days}, {_count(rules.good_days_to_advance)} needed to move up"
        return Decision("hold", stage, f"holding at {current.name}: {fact}")
    day = (today.day - history.stage_since).days + 1
    if day < current.min_days:
        fact = f"day {day} of at least {_days(current.min_days)} at this stage"
        return Decision("hold", stage, f"holding at {current.name}: {fact}")
    nxt = ladder.stage(stage + 1).name
    fact = f"{_count(rules.good_days_to_advance)} good days in a row"
    return Decision("advance", stage + 1, f"moving up to {nxt}: {fact}")


def decide(history: History, ladder: Ladder) -> Decision:
    """Today's decision from the check-ins at the current stage; the first matching rule wins."""
    stage = min(max(history.stage, 0), len(ladder.stages) - 1)
    name = ladder.stage(stage).name
    if history.red_flag:
        reason = f"plan paused at {name} until a clinician has checked the warning sign"
        return Decision("stop", stage, reason)
    if not history.reports:
        return Decision("hold", stage, f"holding at {name}: no check-in today yet")
    today = history.reports[-1]
    setback = _setback(history, ladder, stage, today)
    return setback if setback is not None else _progress(history, ladder, stage, today)
