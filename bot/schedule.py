"""Schedule maths for the daily check-in: wall-clock times in the runner's zone.

Pure: the current time is always passed in, aware, and results are in UTC.

Daylight saving, decided once here:
- a wall time that does not exist that day (the spring-forward gap) is shifted
  forward by the length of the gap (02:30 in London on the change day is 03:30
  BST), which is what `zoneinfo` does with fold=0 (PEP 495);
- a wall time that happens twice (fall-back) is taken at its first occurrence;
- a local date on which the shifted time would land on the next date (only a
  gap that swallows midnight or a whole skipped day, as in Samoa in 2011) gets
  no check-in, so every local date has at most one.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone_or_utc(name: str | None) -> ZoneInfo:
    """The stored zone; UTC if it is unknown (say, a tz database that dropped a name)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    """The calendar date on the wall in `tz` at the aware instant `moment`."""
    _require_aware(moment, "moment")
    return moment.astimezone(tz).date()


def days_between(earlier: date, later: date) -> int:
    """Whole days from `earlier` to `later` (negative if they are the other way round)."""
    return (later - earlier).days


def checkin_on(day: date, at: time, tz: ZoneInfo) -> datetime | None:
    """The UTC instant of wall time `at` on local `day`, or None if that day has none."""
    if at.tzinfo is not None:
        raise ValueError("the check-in time must be a wall-clock time without tzinfo")
    wall = datetime.combine(day, at.replace(fold=0), tzinfo=tz)
    instant = wall.astimezone(UTC)
    if instant.astimezone(tz).date() != day:
        return None
    return instant


def next_checkin(after: datetime, at: time, tz: ZoneInfo) -> datetime:
    """The first instant strictly after `after` when the wall clock in `tz` reads `at`, in UTC."""
    _require_aware(after, "after")
    start = local_date(after, tz)
    # Yesterday and tomorrow as well: around a change of offset the local date of
    # `after` and of the next check-in need not be neighbours in the obvious way.
    # Check-ins on successive local days are successive instants: the first one
    # after `after` is the answer (usually today's or tomorrow's, two conversions).
    for offset in range(-1, 4):
        moment = checkin_on(start + timedelta(days=offset), at, tz)
        if moment is not None and moment > after:
            return moment
    raise ValueError(  # pragma: no cover - no real zone skips three days in a row
        f"no {at.isoformat()} in {tz.key} within three days of {after}"
    )


def due_for_today(due_at: datetime, now: datetime, tz: ZoneInfo) -> bool:
    """Whether a check-in due at `due_at` should still be sent at `now`.

    A prompt missed while the bot was down is sent late only on the same local
    date; yesterday's question about today's back would confuse. One not yet
    due (`due_at` after `now`) is not due.
    """
    _require_aware(due_at, "due_at")
    _require_aware(now, "now")
    return due_at <= now and local_date(due_at, tz) == local_date(now, tz)


_CLOCK = re.compile(
    r"(?P<hour>[0-9]{1,2})(?:[:.]?(?P<minute>[0-9]{2}))?(?:\s*(?P<half>[ap])\.?\s*m\.?)?",
    re.ASCII,
)
_WORDS = {"noon": time(12, 0), "midday": time(12, 0), "midnight": time(0, 0)}


def parse_clock(text: str) -> time | None:
    """A time of day as people type it ("7:30", "0730", "7am", "7.30pm", "noon"), else None.

    A bare hour ("7") is refused: in this bot a lone number is a pain score.
    """
    cleaned = " ".join(text.lower().split())
    if cleaned in _WORDS:
        return _WORDS[cleaned]
    found = _CLOCK.fullmatch(cleaned)
    if found is None:
        return None
    hour = int(found["hour"])
    minute = int(found["minute"] or 0)
    half = found["half"]
    if half is None and found["minute"] is None:
        return None
    if minute > 59:
        return None
    if half is None:
        return time(hour, minute) if hour <= 23 else None
    if not 1 <= hour <= 12:
        return None
    return time(hour % 12 + (12 if half == "p" else 0), minute)


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {moment!r}")
