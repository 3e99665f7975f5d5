"""Pure decisions around an episode: onset, history for `decide`, and the daily schedule.

No I/O and no clock: the handlers pass `now` (aware, UTC) and the rows they read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

from bot.progression import DayReport, History, PlanOutcome
from bot.records import CheckIn
from bot.schedule import checkin_on, local_date, next_checkin

# When the pain began: the button label and roughly how many days ago.
ONSETS: dict[str, tuple[str, int]] = {
    "today": ("Today", 0),
    "week": ("Earlier this week", 3),
    "weeks": ("1–4 weeks ago", 14),
    "months": ("1–3 months ago", 56),
    "longer": ("Over 3 months ago", 120),
}
SCREEN_EVERY_DAYS = 7  # the red-flag question comes back once a week
UNANSWERED_BEFORE_PAUSE = 3
OUTCOMES: dict[PlanOutcome, str] = {
    "fine": "Done, felt fine",
    "worse": "Done, back felt worse",
    "skipped": "Skipped it",
}


def onset_date(choice: str, today: dt.date) -> dt.date:
    return today - dt.timedelta(days=ONSETS[choice][1])


def weeks_since(onset: dt.date, today: dt.date) -> float:
    return (today - onset).days / 7


def history_for_today(
    checkins: Sequence[CheckIn],
    today: dt.date,
    pain: int,
    outcome: PlanOutcome | None,
    red_flag: bool,
) -> History | None:
    """What `decide` needs for today's report; None before the first day of the plan is over.

    The stage and its start are read from the rows before today, so a second
    check-in on the same day re-decides from the same starting point: never
    more than one stage a day.
    """
    earlier = [c for c in checkins if c.local_date < today]
    if not earlier:
        return None
    changes = [c for c in earlier if c.decision == "start" or c.stage_after != c.stage_before]
    since_row = changes[-1] if changes else earlier[0]
    reports = [
        DayReport(c.local_date, c.pain, _outcome(c.outcome))
        for c in earlier
        if c.local_date > since_row.local_date or (c is since_row and c.decision == "start")
    ]
    return History(
        stage=earlier[-1].stage_after,
        stage_since=since_row.local_date,
        reports=(*reports, DayReport(today, pain, outcome)),
        previous_checkin=earlier[-1].local_date,
        red_flag=red_flag,
    )


def _outcome(text: str | None) -> PlanOutcome | None:
    return text if text in ("fine", "worse", "skipped") else None  # type: ignore[return-value]


def screen_due(last_screen: dt.date | None, today: dt.date) -> bool:
    return last_screen is None or (today - last_screen).days >= SCREEN_EVERY_DAYS


def first_checkin(now: dt.datetime, at: dt.time, tz: ZoneInfo) -> dt.datetime:
    """The first check-in after a plan starts: tomorrow at the latest, never again today."""
    due = next_checkin(now, at, tz)
    if local_date(due, tz) == local_date(now, tz):
        due = next_checkin(due, at, tz)
    return due


@dataclass(frozen=True)
class ScheduleStep:
    """What the check-in job does for one due user."""

    action: Literal["prompt", "pause", "skip"]
    local_date: dt.date
    next_due: dt.datetime


def schedule_step(
    due_at: dt.datetime,
    last_prompt: dt.date | None,
    unanswered: int,
    now: dt.datetime,
    at: dt.time,
    tz: ZoneInfo,
) -> ScheduleStep:
    """Prompt once per local day; a prompt missed while the bot was down only on its own day."""
    today = local_date(now, tz)
    following = next_checkin(now, at, tz)
    todays = checkin_on(today, at, tz)  # None on a day whose check-in time does not exist
    if last_prompt == today or todays is None or todays > now or due_at > now:
        return ScheduleStep("skip", today, following)
    if unanswered >= UNANSWERED_BEFORE_PAUSE:
        return ScheduleStep("pause", today, following)
    return ScheduleStep("prompt", today, following)
