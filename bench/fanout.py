"""Check-in fan-out: `python -m bench.fanout [--users 100000]`.

100,000 runners are due in the same minute. A child process runs the real
Application (rate limiter off, Telegram replaced by a transport that logs each
delivered prompt's chat id to a file) and sends them all. Printed:
- time to select each batch of due users, and to claim it;
- check-ins sent per second and the child's peak RSS;
- a second run killed with SIGKILL mid-way and restarted on the same database:
  duplicate and missing prompts, and how many were in flight at the kill.
Targets: select <= 50 ms per 1,000, >= 2,000 check-ins/s, RSS <= 200 MB,
0 duplicates, missing <= in flight (at most one batch, see bot/checkin_job.py).

The population is seeded with plain sqlite3 in bulk: going through the bot's
one-transaction-per-runner plan set-up would take minutes and measure nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import resource
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import closing
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from telegram.request import RequestData

from bot.app import build_application, shut_down, start_up
from bot.checkin_job import BATCH_SIZE, run_due_checkins
from bot.fake_bot_api import BOT_USER, FakeBotApi, InProcessRequest
from bot.knowledge import load_knowledge
from bot.services import services_of
from bot.storage import Database

DUE = dt.datetime(2026, 5, 5, 7, 0, tzinfo=dt.UTC)
# Zones and the local time that is DUE there: everyone falls due in the same minute.
ZONES = ("Europe/London", "UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata")
TOKEN = "123456:BENCH-not-a-real-token"  # noqa: S105 - a fake; nothing leaves the machine


class LoggingApi(InProcessRequest):
    """Answers like Telegram and appends the chat id of every delivered prompt to a file."""

    def __init__(self, log_fd: int) -> None:
        self._fd = log_fd

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        api_method = self.api_method(url)
        if api_method == "getMe":
            return self.ok(BOT_USER)
        if api_method != "sendMessage" or request_data is None:
            return self.ok(True)
        chat_id = int(request_data.parameters["chat_id"])  # type: ignore[call-overload]
        os.write(self._fd, b"%d\n" % chat_id)  # unbuffered: survives SIGKILL once written
        return 200, (
            b'{"ok":true,"result":{"message_id":1,"date":0,"chat":{"id":%d,"type":"private"},'
            b'"text":"How is your back?"}}' % chat_id
        )


def seed(path: Path, users: int) -> None:
    asyncio.run(_create_schema(path))
    today = DUE.date().isoformat()
    due = DUE.strftime("%Y-%m-%dT%H:%M:%S")
    rows = []
    for chat_id in range(1, users + 1):
        zone = ZONES[chat_id % len(ZONES)]
        local = DUE.astimezone(ZoneInfo(zone)).strftime("%H:%M")
        rows.append((chat_id, zone, local, due, today))
    with closing(sqlite3.connect(path)) as db, db:
        db.executemany(
            "INSERT INTO users (chat_id, timezone, checkin_time, next_due_utc, created_utc)"
            " VALUES (?, ?, ?, ?, ?)",
            rows,
        )
        db.execute(
            "INSERT INTO episodes (chat_id, onset, onset_date, started_on, status, stage,"
            " stage_since, last_screen_date) SELECT chat_id, 'week', date(?, '-3 days'),"
            " date(?, '-1 day'), 'active', 1, date(?, '-1 day'), date(?, '-1 day') FROM users",
            (today, today, today, today),
        )
        db.execute(
            "INSERT INTO checkins (episode_id, local_date, pain, stage_before, decision,"
            " stage_after, reason) SELECT id, started_on, 5, 1, 'start', 1, 'start'"
            " FROM episodes"
        )


async def _create_schema(path: Path) -> None:
    database = await Database.open(path)
    await database.close()


async def _child(database: Path, log: Path) -> None:
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    app = build_application(
        TOKEN,
        load_knowledge(),
        request=LoggingApi(fd),
        get_updates_request=FakeBotApi(),
        database_path=database,
        clock=lambda: DUE + dt.timedelta(seconds=30),
        rate_limit=False,
    )
    await start_up(app)
    started = time.perf_counter()
    batches = await run_due_checkins(services_of(app.bot_data), app.bot)
    elapsed = time.perf_counter() - started
    await shut_down(app)
    os.close(fd)
    report = {
        "delivered": sum(b.delivered for b in batches),
        "seconds": elapsed,
        "select_ms": [b.select_ms for b in batches if b.users],
        "claim_ms": [b.claim_ms for b in batches if b.users],
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    print(json.dumps(report))


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def _spawn(database: Path, log: Path) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "bench.fanout", "--child", str(database), str(log)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True)  # noqa: S603 - our own module


def _delivered(log: Path) -> list[int]:
    return [int(line) for line in log.read_text().split()] if log.exists() else []


def _throughput(workdir: Path, users: int) -> None:
    database, log = workdir / "full.sqlite3", workdir / "full.log"
    seed(database, users)
    child = _spawn(database, log)
    out, _ = child.communicate()
    report = json.loads(out.strip().splitlines()[-1])
    select, claim = report["select_ms"], report["claim_ms"]
    print(f"{users} runners due in the same minute, batches of {BATCH_SIZE}")
    for name, timings in (("select", select), ("claim", claim)):
        print(
            f"{name} per batch: median {statistics.median(timings):.1f} ms, "
            f"p95 {_p95(timings):.1f} ms, max {max(timings):.1f} ms over {len(timings)} batches"
        )
    rate = report["delivered"] / report["seconds"]
    print(
        f"sent {report['delivered']} check-ins in {report['seconds']:.1f} s: {rate:.0f} per second"
    )
    print(f"peak RSS of the bot process: {report['rss_mb']:.0f} MB")


def _kill_and_restart(workdir: Path, users: int) -> None:
    database, log = workdir / "killed.sqlite3", workdir / "killed.log"
    seed(database, users)
    child = _spawn(database, log)
    kill_at = int(users * 0.4) + BATCH_SIZE // 2  # mid-batch: some prompts claimed, not sent
    while len(_delivered(log)) < kill_at and child.poll() is None:
        time.sleep(0.01)
    child.send_signal(signal.SIGKILL)
    child.wait()
    before_kill = _delivered(log)
    with closing(sqlite3.connect(database)) as db:
        claimed = db.execute(
            "SELECT count(*) FROM users WHERE last_prompt_date IS NOT NULL"
        ).fetchone()[0]
    in_flight = claimed - len(set(before_kill))
    restarted = _spawn(database, log)
    restarted.communicate()
    delivered = Counter(_delivered(log))
    duplicates = sum(count - 1 for count in delivered.values() if count > 1)
    missing = users - len(delivered)
    print(
        f"SIGKILL after {len(before_kill)} prompts; claimed but not yet sent: {in_flight}; "
        f"after the restart: {duplicates} duplicates, {missing} missing"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--child", nargs=2, metavar=("DATABASE", "LOG"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        asyncio.run(_child(Path(args.child[0]), Path(args.child[1])))
        return 0
    with tempfile.TemporaryDirectory() as directory:
        _throughput(Path(directory), args.users)
        _kill_and_restart(Path(directory), args.users)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
