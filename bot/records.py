"""What RunBack remembers about a runner, as plain data (read and written by `storage`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from bot.volume import UsualVolume


@dataclass(frozen=True)
class User:
    chat_id: int
    timezone: str
    checkin_time: dt.time
    usual: UsualVolume | None
    paused: str | None  # None, "by-user" or "unanswered"
    active: bool
    next_due: dt.datetime | None
    last_prompt_date: dt.date | None
    unanswered: int
    question_kind: str | None
    question_token: str | None
    draft: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Episode:
    id: int
    chat_id: int
    onset: str
    onset_date: dt.date
    started_on: dt.date
    status: str
    stage: int
    stage_since: dt.date
    red_flag_open: bool
    last_screen_date: dt.date | None
    ended_on: dt.date | None


@dataclass(frozen=True)
class CheckIn:
    local_date: dt.date
    pain: int
    outcome: str | None
    stage_before: int
    decision: str
    stage_after: int
    reason: str


@dataclass(frozen=True)
class NewCheckIn:
    """A check-in and the decision it led to, written together with the episode's stage."""

    episode_id: int
    day: CheckIn
    stage_since: dt.date
    status: str = "active"  # "resolved" ends the episode and its check-ins


@dataclass(frozen=True)
class Claim:
    """A prompt taken from the schedule: sent once, or released on a transient failure."""

    chat_id: int
    local_date: dt.date
    previous_prompt_date: dt.date | None
    next_due: dt.datetime | None
    token: str
    pause: bool = False  # too many unanswered prompts: tell the runner, don't ask


@dataclass(frozen=True)
class Club:
    """A running club's group chat and its daily-tip settings."""

    chat_id: int
    title: str
    tips_time: dt.time | None
    tips_timezone: str | None
    next_tip: dt.datetime | None
    last_tip_date: dt.date | None


@dataclass(frozen=True)
class ClubStats:
    """Anonymous counts over the members who chose to be counted."""

    members: int
    active_plans: int
    back_to_running: int
