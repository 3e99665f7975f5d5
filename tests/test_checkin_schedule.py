"""Thirty simulated days of morning check-ins for runners in four time zones.

The real Application, JobQueue job and SQLite file; a fake clock ticks every 15
minutes across two daylight-saving changes (London springs forward on 29 March,
Sydney falls back on 5 April 2026), and the bot is down for three hours and
restarted half-way.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.knowledge import KnowledgeBase
from bot.matcher import Matcher
from tests.episode_driver import PROMPT, Clock, Harness

RUNNERS = {
    601: ("Europe/London", "08:00"),
    602: ("America/New_York", "07:30"),
    603: ("Australia/Sydney", "06:00"),
    604: ("Asia/Kolkata", "08:15"),
}
START = dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC)
TICK = dt.timedelta(minutes=15)
DAYS = 30
DOWN_FROM = dt.datetime(2026, 4, 4, 6, 0, tzinfo=dt.UTC)  # London's 08:00 BST falls inside
DOWN_FOR = dt.timedelta(hours=3)


async def _set_up(bot: Harness, chat_id: int, zone: str, at: str) -> None:
    await bot.say(chat_id, "/settings")
    await bot.press(chat_id, "Time zone")
    await bot.say(chat_id, zone)
    await bot.say(chat_id, "/settings")
    await bot.press(chat_id, "Check-in time")
    await bot.say(chat_id, at)
    await bot.start_plan(chat_id, onset="Earlier this week", pain=5)


def _pain_on(day: int, chat_id: int) -> int:
    return (2, 3, 1, 4, 2, 6, 2)[(day + chat_id) % 7]


async def _answer_new_prompts(
    bot: Harness, seen: dict[int, int], sent_at: dict[int, list[dt.datetime]]
) -> None:
    for chat_id in RUNNERS:
        messages = bot.messages_to(chat_id)
        fresh = messages[seen[chat_id] :]
        seen[chat_id] = len(messages)
        if not any(PROMPT in m["text"] for m in fresh):
            continue
        sent_at[chat_id].append(bot.clock.now)
        day = len(sent_at[chat_id])
        await bot.press(chat_id, str(_pain_on(day, chat_id)))
        await bot.press(chat_id, "Done, felt fine")
        if "have you had any of these" in bot.last_to(chat_id)["text"]:
            await bot.press(chat_id, "No")
        seen[chat_id] = len(bot.messages_to(chat_id))


async def test_thirty_days_in_four_time_zones_with_a_restart(
    kb: KnowledgeBase, matcher: Matcher, tmp_path: Path
) -> None:
    bot = Harness(kb, matcher, tmp_path / "runback.sqlite3", Clock(START), "Europe/London")
    await bot.start()
    try:
        for chat_id, (zone, at) in RUNNERS.items():
            await _set_up(bot, chat_id, zone, at)
        seen = {chat_id: len(bot.messages_to(chat_id)) for chat_id in RUNNERS}
        sent_at: dict[int, list[dt.datetime]] = defaultdict(list)
        restarted = False
        while bot.clock.now < START + dt.timedelta(days=DAYS):
            if not restarted and bot.clock.now >= DOWN_FROM:
                await bot.stop()  # down: nothing runs
                bot.clock.advance(seconds=DOWN_FOR.total_seconds())
                await bot.start()  # a new Application on the same file
                restarted = True
            await bot.run_checkin_job()
            await _answer_new_prompts(bot, seen, sent_at)
            bot.clock.advance(seconds=TICK.total_seconds())
    finally:
        await bot.stop()

    for chat_id, (zone, at) in RUNNERS.items():
        tz = ZoneInfo(zone)
        local = [moment.astimezone(tz) for moment in sent_at[chat_id]]
        days = [moment.date() for moment in local]
        assert len(days) == len(set(days)), f"{zone}: two prompts on one local day"
        first, last = days[0], days[-1]
        assert days == [first + dt.timedelta(n) for n in range((last - first).days + 1)]
        resolved = bot.rows(
            "SELECT count(*) FROM episodes WHERE chat_id = ? AND status = 'resolved'", chat_id
        ) == [(1,)]
        assert resolved or len(days) >= DAYS - 1, f"{zone}: prompts missing"
        wanted = dt.time.fromisoformat(at)
        for moment in local:
            late = dt.datetime.combine(moment.date(), moment.time()) - dt.datetime.combine(
                moment.date(), wanted
            )
            if moment.date() == DOWN_FROM.astimezone(tz).date() and zone == "Europe/London":
                assert late <= DOWN_FOR + TICK  # sent once, when the bot came back
            else:
                assert dt.timedelta(0) <= late < TICK, f"{zone}: prompt at {moment}"
        rows = bot.rows(
            "SELECT count(*), count(DISTINCT local_date) FROM checkins c JOIN episodes e"
            " ON e.id = c.episode_id WHERE e.chat_id = ?",
            chat_id,
        )
        assert rows == [(len(days) + 1, len(days) + 1)]  # the start, then one per morning
