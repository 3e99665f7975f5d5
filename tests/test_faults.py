"""Faults: Telegram failing 10% of calls for 30 days, and the bot killed mid-fan-out.

Only Telegram's side fails (a fault-injecting transport) or the process is
SIGKILLed; the Application, the jobs and the SQLite file are the real ones.
"""

from __future__ import annotations

import datetime as dt
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter, defaultdict
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData

from bench.fanout import seed
from bot.checkin_job import BATCH_SIZE
from bot.fake_bot_api import FakeBotApi
from bot.knowledge import KnowledgeBase
from bot.matcher import Matcher
from tests.episode_driver import PROMPT, Clock, Harness

RUNNERS = 200
DAYS = 30
ZONES = ("Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Sydney")
START = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


@dataclass
class FaultyBotApi(FakeBotApi):
    """Fails about 10% of sends and button answers: timeouts, resets, flood waits, blocks."""

    clock: Clock | None = None
    rate: float = 0.10
    rng: random.Random = field(default_factory=lambda: random.Random(20261126))  # noqa: S311
    # Every sendMessage: when, to whom, delivered or not, its text, the fault injected.
    log: list[tuple[dt.datetime, int, bool, str, str | None]] = field(default_factory=list)

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        fault = None
        if api_method in {"sendMessage", "answerCallbackQuery"} and self.rng.random() < self.rate:
            fault = self.rng.choice(("timeout", "reset", "flood", "blocked"))
            if fault == "timeout":
                self.fail_next_with(api_method, TimedOut())
            elif fault == "reset":
                self.fail_next_with(api_method, NetworkError("Connection reset by peer"))
            elif fault == "flood":
                wait = self.rng.randint(1, 30)
                self.fail_next(api_method, 429, f"Too Many Requests: retry after {wait}", wait)
            else:
                self.fail_next(api_method, 403, "Forbidden: bot was blocked by the user")
        if api_method == "sendMessage" and request_data is not None and self.clock is not None:
            params = request_data.parameters
            chat_id = int(str(params["chat_id"]))
            self.log.append((self.clock.now, chat_id, fault is None, str(params["text"]), fault))
        return await super().do_request(url, method, request_data, *args, **kwargs)


async def test_thirty_days_of_200_runners_with_ten_percent_of_calls_failing(
    kb: KnowledgeBase, matcher: Matcher, tmp_path: Path
) -> None:
    clock = Clock(START)
    api = FaultyBotApi(clock=clock, rate=0.0)  # set-up runs clean; the faults start after
    bot = Harness(kb, matcher, tmp_path / "runback.sqlite3", clock, "UTC", api=api)
    await bot.start()
    runners = range(10_001, 10_001 + RUNNERS)
    try:
        for chat_id in runners:
            await bot.start_plan(chat_id, pain=4, volume="skip")
        for chat_id in runners:  # each in their own zone, at 07:00 their time
            zone = ZONES[chat_id % len(ZONES)]
            await bot.say(chat_id, "/settings")
            await bot.press(chat_id, "Time zone")
            await bot.say(chat_id, zone)
        api.rate = 0.10
        seen = len(api.log)
        end = START + dt.timedelta(days=DAYS)
        while clock.now < end:
            await bot.run_checkin_job()  # never raises, whatever Telegram does
            fresh = [e for e in api.log[seen:] if e[2] and PROMPT in e[3]]
            seen = len(api.log)
            for _, chat_id, _, _, _ in fresh:  # the runner answers this morning's prompt
                await bot.press(chat_id, "2")
            clock.advance(hours=1)
    finally:
        await bot.stop()

    inactive = {row[0] for row in bot.rows("SELECT chat_id FROM users WHERE active = 0")}
    delivered: dict[int, Counter[dt.date]] = defaultdict(Counter)
    blocked_on: dict[int, dt.date] = {}
    for at, chat_id, ok, text, fault in api.log:
        if PROMPT not in text:
            continue
        day = at.astimezone(ZoneInfo(ZONES[chat_id % len(ZONES)])).date()
        if ok:
            delivered[chat_id][day] += 1
        elif fault == "blocked":
            blocked_on[chat_id] = day
    assert all(count == 1 for days in delivered.values() for count in days.values())
    first_day = (START + dt.timedelta(days=1)).date()
    last_day = (end - dt.timedelta(days=1)).date()
    for chat_id in runners:
        days = set(delivered[chat_id])
        until = blocked_on.get(chat_id, last_day + dt.timedelta(days=1))
        wanted = {first_day + dt.timedelta(n) for n in range((until - first_day).days)}
        assert wanted <= days, f"runner {chat_id} missed {sorted(wanted - days)[:3]}"
        if chat_id in inactive:
            assert not [d for d in days if d > blocked_on[chat_id]]
    assert inactive == set(blocked_on)  # exactly those whose prompt hit a block
    assert 0 < len(inactive) < RUNNERS
    with closing(sqlite3.connect(bot.database)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def _delivered(log: Path) -> list[int]:
    return [int(line) for line in log.read_text().split()] if log.exists() else []


def test_sigkill_during_the_fan_out_loses_nothing_but_what_was_in_flight(
    tmp_path: Path,
) -> None:
    users = 4_000
    database, log = tmp_path / "runback.sqlite3", tmp_path / "delivered.log"
    seed(database, users)
    command = [sys.executable, "-m", "bench.fanout", "--child", str(database), str(log)]
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL)  # noqa: S603 - our own module
    deadline = time.monotonic() + 120
    while len(_delivered(log)) < 1_500 and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    child.send_signal(signal.SIGKILL)
    child.wait()
    sent_before = set(_delivered(log))
    with closing(sqlite3.connect(database)) as db:
        claimed = db.execute("SELECT count(*) FROM users WHERE last_prompt_date IS NOT NULL")
        in_flight = claimed.fetchone()[0] - len(sent_before)
    assert 0 < len(sent_before) < users  # killed mid-way
    subprocess.run(command, stdout=subprocess.DEVNULL, check=True, timeout=300)  # noqa: S603
    delivered = Counter(_delivered(log))
    assert max(delivered.values()) == 1  # no duplicates
    missing = users - len(delivered)
    assert missing == in_flight <= BATCH_SIZE  # lost: only what was claimed but not yet sent
    with closing(sqlite3.connect(database)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
