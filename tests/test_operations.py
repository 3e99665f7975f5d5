"""Running RunBack for a club for years: backups, stats, a locked database, deleting data
for real, and the webhook's secret token over HTTP."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import closing
from pathlib import Path

import pytest

from tests.bot_api_server import BotApiServer
from tests.episode_driver import PROMPT, Harness
from tests.telegram_fakes import TOKEN, message

ANA = 501
SECRET = "club-webhook-secret_0123456789"


def _bot_command(*args: str, database: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_PATH": str(database)}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    return subprocess.run(  # noqa: S603 - our own module
        [sys.executable, "-m", "bot", *args], env=env, capture_output=True, text=True,
        timeout=60, check=False, cwd=database.parent,
    )  # fmt: skip


async def test_an_online_backup_while_the_bot_runs(bot: Harness, tmp_path: Path) -> None:
    await bot.start_plan(ANA, pain=5)
    backup = tmp_path / "backups" / "runback-monday.sqlite3"
    backup.parent.mkdir()
    result = _bot_command("backup", str(backup), database=bot.database)
    assert result.returncode == 0, result.stderr
    assert "backed up" in result.stdout
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    with closing(sqlite3.connect(backup)) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT count(*) FROM checkins").fetchone() == (1,)
    again = _bot_command("backup", str(backup), database=bot.database)
    assert again.returncode == 3
    assert again.stderr.count("\n") == 1
    assert "already exists" in again.stderr


async def test_stats_prints_anonymous_counts(bot: Harness) -> None:
    await bot.start_plan(ANA, pain=5)
    await bot.start_plan(502, pain=2)
    result = _bot_command("stats", database=bot.database)
    assert result.returncode == 0, result.stderr
    assert "users: 2" in result.stdout
    assert "active plans: 2" in result.stdout
    assert str(ANA) not in result.stdout


async def test_forget_leaves_no_readable_trace_in_the_files(bot: Harness) -> None:
    marker = b"Pacific/Chatham"
    await bot.say(ANA, "/settings")
    await bot.press(ANA, "Time zone")
    await bot.say(ANA, "Pacific/Chatham")
    await bot.start_plan(ANA, pain=5)
    files = [bot.database, bot.database.with_name(bot.database.name + "-wal")]
    assert any(marker in path.read_bytes() for path in files if path.exists())
    await bot.say(ANA, "/forget")
    await bot.press(ANA, "Yes, delete everything")
    for path in files:
        if path.exists():
            assert marker not in path.read_bytes(), path.name
    for suffix in ("", "-wal", "-shm"):
        companion = bot.database.with_name(bot.database.name + suffix)
        if companion.exists():
            assert stat.S_IMODE(companion.stat().st_mode) == 0o600


async def test_a_database_locked_by_another_process_only_delays_check_ins(
    bot: Harness,
) -> None:
    await bot.start_plan(ANA, pain=5)
    bot.clock.now = dt.datetime(2026, 5, 5, 7, 1, tzinfo=dt.UTC)
    locked, release = threading.Event(), threading.Event()

    def operator_holds_the_write_lock() -> None:
        with closing(sqlite3.connect(bot.database, timeout=30)) as other:
            other.execute("BEGIN IMMEDIATE")
            locked.set()
            release.wait(5)
            time.sleep(1.5)
            other.execute("COMMIT")

    holder = threading.Thread(target=operator_holds_the_write_lock)
    holder.start()
    locked.wait(5)
    release.set()
    started = time.monotonic()
    await bot.run_checkin_job()
    waited = time.monotonic() - started
    holder.join()
    assert waited >= 1.0  # it waited for the lock...
    prompts = [m for m in bot.messages_to(ANA) if PROMPT in m["text"]]
    assert len(prompts) == 1  # ...and then sent the check-in, once
    assert bot.rows("SELECT last_prompt_date FROM users") == [("2026-05-05",)]


def _free_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _post(port: int, secret: str | None, body: bytes | None = None) -> int:
    update = message("heat or ice for my back?", chat_id=4343)
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/telegram-hook",
        data=json.dumps(update).encode() if body is None else body,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    if secret is not None:
        request.add_header("X-Telegram-Bot-Api-Secret-Token", secret)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def _wait_for_port(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        with closing(socket.socket()) as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError("the webhook server did not start")


def test_webhook_mode_refuses_requests_without_the_secret_token(tmp_path: Path) -> None:
    port = _free_port()
    with BotApiServer(TOKEN) as server:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))},
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": server.base_url,
            "WEBHOOK_URL": "https://runback.example.org/telegram-hook",
            "WEBHOOK_SECRET": SECRET,
            "WEBHOOK_LISTEN": "127.0.0.1",
            "WEBHOOK_PORT": str(port),
            "DATABASE_PATH": str(tmp_path / "runback.sqlite3"),
            "LOG_LEVEL": "DEBUG",
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "bot"], cwd=tmp_path, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            _wait_for_port(port, time.monotonic() + 30)
            statuses = [
                _post(port, None),
                _post(port, "wrong-secret-0123456789"),
                _post(port, SECRET, b"{not json"),  # a webhook error: logged
                _post(port, SECRET),
            ]
            deadline = time.monotonic() + 15
            while not server.sent("sendMessage") and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            process.send_signal(signal.SIGINT)
            _, stderr = process.communicate(timeout=30)
    assert statuses[:2] == [403, 403]
    assert statuses[2] >= 400  # refused (PTB answers 500 for a body that isn't JSON)...
    assert statuses[3] == 200  # ...and the bot carries on
    [answer] = server.sent("sendMessage")  # only the request with the secret was processed
    assert answer["chat_id"] == "4343"
    [registered] = server.sent("setWebhook")
    assert registered["secret_token"] == SECRET
    assert TOKEN not in stderr
    assert SECRET not in stderr


def _run_bot(env_extra: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))},
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "DATABASE_PATH": str(tmp_path / "runback.sqlite3"),
        **env_extra,
    }
    return subprocess.run(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_rejected_token_is_one_clear_line_and_never_printed(
    tmp_path: Path, workers: str
) -> None:
    with BotApiServer(TOKEN, reject_token=True) as server:
        result = _run_bot({"TELEGRAM_API_BASE_URL": server.base_url, "WORKERS": workers}, tmp_path)
    assert result.returncode == 2
    last_line = result.stderr.splitlines()[-1]
    assert last_line == "configuration error: Telegram rejected TELEGRAM_BOT_TOKEN"
    assert TOKEN.split(":")[1] not in result.stdout + result.stderr  # nor in PTB's own log


def test_a_webhook_that_cannot_start_is_logged_without_the_token_or_secret(
    tmp_path: Path,
) -> None:
    with BotApiServer(TOKEN) as server, closing(socket.socket()) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _run_bot(
            {
                "TELEGRAM_API_BASE_URL": server.base_url,
                "WEBHOOK_URL": "https://runback.example.org/telegram-hook",
                "WEBHOOK_SECRET": SECRET,
                "WEBHOOK_PORT": str(port),
                "LOG_LEVEL": "DEBUG",
            },
            tmp_path,
        )
    assert result.returncode == 1
    assert "RunBack stopped on an unexpected error" in result.stderr
    assert "Traceback" in result.stderr  # the operator still gets the whole story...
    for secret in (TOKEN, TOKEN.split(":")[1], SECRET):
        assert secret not in result.stderr + result.stdout  # ...without the secrets
