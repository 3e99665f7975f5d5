"""Check-in times across zones and daylight-saving changes, and typed clock times."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.schedule import (
    checkin_on,
    days_between,
    due_for_today,
    local_date,
    next_checkin,
    parse_clock,
)

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")


def utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "after", "at", "expected"),
    [
        ("UTC", utc(2026, 1, 10, 6, 0), time(7, 30), utc(2026, 1, 10, 7, 30)),
        ("UTC", utc(2026, 1, 10, 7, 30), time(7, 30), utc(2026, 1, 11, 7, 30)),
        ("Europe/London", utc(2026, 1, 10, 9, 0), time(7, 30), utc(2026, 1, 11, 7, 30)),
        ("Europe/London", utc(2026, 7, 10, 5, 0), time(7, 30), utc(2026, 7, 10, 6, 30)),
        ("America/New_York", utc(2026, 1, 10, 3, 0), time(7, 30), utc(2026, 1, 10, 12, 30)),
        ("America/New_York", utc(2026, 7, 10, 3, 0), time(21, 0), utc(2026, 7, 11, 1, 0)),
        # Sydney in January is +11: 07:30 local is 20:30 UTC the evening before.
        ("Australia/Sydney", utc(2026, 1, 10, 12, 0), time(7, 30), utc(2026, 1, 10, 20, 30)),
        ("Australia/Sydney", utc(2026, 7, 10, 12, 0), time(7, 30), utc(2026, 7, 10, 21, 30)),
        ("Asia/Kolkata", utc(2026, 1, 10, 0, 0), time(7, 0), utc(2026, 1, 10, 1, 30)),
        ("Asia/Kolkata", utc(2026, 1, 10, 1, 30), time(7, 0), utc(2026, 1, 11, 1, 30)),
        # Chatham is +13:45 in its January summer, +12:45 in July.
        ("Pacific/Chatham", utc(2026, 1, 10, 0, 0), time(8, 0), utc(2026, 1, 10, 18, 15)),
        ("Pacific/Chatham", utc(2026, 7, 10, 0, 0), time(8, 0), utc(2026, 7, 10, 19, 15)),
    ],
)
def test_next_checkin_on_ordinary_days(
    zone: str, after: datetime, at: time, expected: datetime
) -> None:
    result = next_checkin(after, at, ZoneInfo(zone))
    assert result == expected
    assert result.tzinfo is UTC
    assert result.astimezone(ZoneInfo(zone)).time() == at


def test_after_may_be_in_any_zone() -> None:
    after = datetime(2026, 1, 10, 8, 0, tzinfo=SYDNEY)  # 21:00 UTC on the 9th
    assert next_checkin(after, time(7, 30), LONDON) == utc(2026, 1, 10, 7, 30)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        next_checkin(datetime(2026, 1, 10, 8, 0), time(7, 30), LONDON)  # noqa: DTZ001
    with pytest.raises(ValueError, match="wall-clock"):
        next_checkin(utc(2026, 1, 10, 8, 0), time(7, 30, tzinfo=UTC), LONDON)


# London springs forward at 01:00 GMT on 29 March 2026 (01:00-02:00 local does
# not exist) and falls back at 02:00 BST on 25 October (01:00-02:00 happens twice).
# New York springs forward at 02:00 on 8 March 2026 and falls back at 02:00 on 1 November.
DST_CASES = [
    # the gap: shifted forward by an hour, so 01:30 GMT, which is 02:30 BST
    ("Europe/London", date(2026, 3, 29), time(1, 30), utc(2026, 3, 29, 1, 30)),
    ("Europe/London", date(2026, 3, 29), time(2, 30), utc(2026, 3, 29, 1, 30)),
    ("Europe/London", date(2026, 3, 29), time(8, 0), utc(2026, 3, 29, 7, 0)),
    ("Europe/London", date(2026, 3, 28), time(1, 30), utc(2026, 3, 28, 1, 30)),
    ("Europe/London", date(2026, 3, 30), time(1, 30), utc(2026, 3, 30, 0, 30)),
    # the repeated hour: the first 01:30 (BST)
    ("Europe/London", date(2026, 10, 25), time(1, 30), utc(2026, 10, 25, 0, 30)),
    ("Europe/London", date(2026, 10, 25), time(2, 30), utc(2026, 10, 25, 2, 30)),
    ("Europe/London", date(2026, 10, 25), time(8, 0), utc(2026, 10, 25, 8, 0)),
    ("Europe/London", date(2026, 10, 26), time(1, 30), utc(2026, 10, 26, 1, 30)),
    # the gap: 02:30 EST, which is 03:30 EDT
    ("America/New_York", date(2026, 3, 8), time(2, 30), utc(2026, 3, 8, 7, 30)),
    ("America/New_York", date(2026, 3, 8), time(1, 30), utc(2026, 3, 8, 6, 30)),
    ("America/New_York", date(2026, 3, 8), time(8, 0), utc(2026, 3, 8, 12, 0)),
    ("America/New_York", date(2026, 3, 9), time(2, 30), utc(2026, 3, 9, 6, 30)),
    # the repeated hour: the first 01:30 (EDT)
    ("America/New_York", date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30)),
    ("America/New_York", date(2026, 11, 1), time(2, 30), utc(2026, 11, 1, 7, 30)),
    ("America/New_York", date(2026, 11, 1), time(8, 0), utc(2026, 11, 1, 13, 0)),
    ("America/New_York", date(2026, 11, 2), time(1, 30), utc(2026, 11, 2, 6, 30)),
]


@pytest.mark.parametrize(("zone", "day", "at", "expected"), DST_CASES)
def test_ten_day_walk_across_a_clock_change(
    zone: str, day: date, at: time, expected: datetime
) -> None:
    tz = ZoneInfo(zone)
    start = day - timedelta(days=5)
    moment = datetime.combine(start, time(0, 0), tzinfo=tz)
    walk = []
    for _ in range(10):
        moment = next_checkin(moment, at, tz)
        walk.append(moment)
    dates = [local_date(moment, tz) for moment in walk]
    assert dates == [start + timedelta(days=n) for n in range(10)]  # one per local date
    assert walk[dates.index(day)] == expected
    assert checkin_on(day, at, tz) == expected


def test_gap_and_first_occurrence_wall_times() -> None:
    spring = next_checkin(utc(2026, 3, 8, 0, 0), time(2, 30), NEW_YORK).astimezone(NEW_YORK)
    assert (spring.time(), spring.utcoffset()) == (time(3, 30), timedelta(hours=-4))
    autumn = next_checkin(utc(2026, 10, 24, 12, 0), time(1, 30), LONDON).astimezone(LONDON)
    assert (autumn.time(), autumn.utcoffset()) == (time(1, 30), timedelta(hours=1))


def test_a_skipped_local_date_gets_no_checkin() -> None:
    apia = ZoneInfo("Pacific/Apia")  # Samoa went from 29 to 31 December 2011
    after = datetime(2011, 12, 29, 8, 0, tzinfo=apia)
    assert checkin_on(date(2011, 12, 30), time(8, 0), apia) is None
    result = next_checkin(after, time(8, 0), apia).astimezone(apia)
    assert (result.date(), result.time()) == (date(2011, 12, 31), time(8, 0))


ZONES = [
    "UTC",
    "Europe/London",
    "America/New_York",
    "Australia/Sydney",
    "Australia/Lord_Howe",  # half-hour daylight saving
    "Asia/Kolkata",
    "Pacific/Chatham",
    "America/St_Johns",
    "America/Sao_Paulo",  # used to change at midnight
    "America/Havana",
    "America/Santiago",
    "Asia/Beirut",
]


@settings(max_examples=300, deadline=None)
@given(
    after=st.datetimes(
        min_value=datetime(1990, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive
        max_value=datetime(2060, 1, 1),  # noqa: DTZ001
        timezones=st.sampled_from([ZoneInfo(name) for name in ZONES]),
    ),
    at=st.times(),
    zone=st.sampled_from(ZONES),
)
def test_walking_forward_gives_one_checkin_per_local_date(
    after: datetime, at: time, zone: str
) -> None:
    tz = ZoneInfo(zone)
    previous_date: date | None = None
    for _ in range(4):
        result = next_checkin(after, at, tz)
        assert result > after
        assert result - after <= timedelta(hours=26)
        assert result.tzinfo is UTC
        assert local_date(result, tz) != previous_date
        previous_date = local_date(result, tz)
        after = result


def test_local_date_and_days_between() -> None:
    moment = utc(2026, 1, 10, 20, 30)
    assert local_date(moment, SYDNEY) == date(2026, 1, 11)
    assert local_date(moment, NEW_YORK) == date(2026, 1, 10)
    assert days_between(date(2026, 1, 10), date(2026, 3, 1)) == 50
    assert days_between(date(2026, 3, 1), date(2026, 1, 10)) == -50
    assert days_between(date(2026, 1, 10), date(2026, 1, 10)) == 0


@pytest.mark.parametrize(
    ("due_at", "now", "tz", "expected"),
    [
        (utc(2026, 1, 10, 7, 30), utc(2026, 1, 10, 22, 0), LONDON, True),
        (utc(2026, 1, 10, 7, 30), utc(2026, 1, 10, 7, 30), LONDON, True),
        (utc(2026, 1, 10, 7, 30), utc(2026, 1, 11, 0, 5), LONDON, False),
        (utc(2026, 1, 10, 7, 30), utc(2026, 1, 10, 7, 0), LONDON, False),  # not due yet
        # 07:30 on the 11th in Sydney, asked at 21:00 the same Sydney evening
        (utc(2026, 1, 10, 20, 30), utc(2026, 1, 11, 10, 0), SYDNEY, True),
        # ... and at 01:00 on the 12th in Sydney: too late
        (utc(2026, 1, 10, 20, 30), utc(2026, 1, 11, 14, 0), SYDNEY, False),
    ],
)
def test_due_for_today(due_at: datetime, now: datetime, tz: ZoneInfo, expected: bool) -> None:
    assert due_for_today(due_at, now, tz) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7:30", time(7, 30)),
        ("07:30", time(7, 30)),
        ("7.30", time(7, 30)),
        ("0730", time(7, 30)),
        ("730", time(7, 30)),
        ("7am", time(7, 0)),
        ("7 am", time(7, 0)),
        ("7 AM", time(7, 0)),
        ("7 a.m.", time(7, 0)),
        ("7:30pm", time(19, 30)),
        ("7.30 pm", time(19, 30)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
        ("12:15 am", time(0, 15)),
        ("19:00", time(19, 0)),
        ("00:00", time(0, 0)),
        ("23:59", time(23, 59)),
        ("  6:45 ", time(6, 45)),
        ("noon", time(12, 0)),
        ("Noon", time(12, 0)),
        ("midnight", time(0, 0)),
        ("25:00", None),
        ("24:00", None),
        ("7:60", None),
        ("13pm", None),
        ("0am", None),
        ("19:00pm", None),
        ("7", None),  # a bare number is a pain score in this bot
        ("07", None),
        ("soon", None),
        ("", None),
        ("   ", None),
        ("7:3", None),
        ("7:30:00", None),
        ("١٢:٣٠", None),  # Arabic-Indic digits
        ("tomorrow at 7", None),
    ],
)
def test_parse_clock(text: str, expected: time | None) -> None:
    assert parse_clock(text) == expected
