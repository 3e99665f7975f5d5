"""Reading `/clubtips` arguments (pure): "on 07:30 Europe/London" or "off"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.schedule import parse_clock
from bot.timezones import find_timezone, suggest_timezones


@dataclass(frozen=True)
class ClubTipsRequest:
    on: bool
    at: dt.time | None = None
    timezone: str | None = None


@dataclass(frozen=True)
class ClubTipsProblem:
    """Why the arguments were not understood, in one line for the admin."""

    message: str


def parse_clubtips(args: list[str]) -> ClubTipsRequest | ClubTipsProblem:
    words = [word for word in args if word.strip()]
    if [w.lower() for w in words] == ["off"]:
        return ClubTipsRequest(on=False)
    if not words or words[0].lower() != "on" or len(words) < 3:
        return ClubTipsProblem("Use /clubtips on 07:30 Europe/London, or /clubtips off.")
    at = parse_clock(words[1])
    if at is None:
        return ClubTipsProblem(f"I didn't understand the time {words[1][:20]!r}: try 07:30.")
    zone_text = " ".join(words[2:])
    zone = find_timezone(zone_text)
    if zone is None:
        guesses = suggest_timezones(zone_text)
        hint = f" Did you mean {', '.join(guesses)}?" if guesses else ""
        return ClubTipsProblem(
            f"I don't know the time zone {zone_text[:40]!r}.{hint} Use a name like Europe/London."
        )
    return ClubTipsRequest(on=True, at=at, timezone=zone)
