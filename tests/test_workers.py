"""WORKERS=2: a front process and two worker processes, as a black box over HTTP.

The real `python -m bot` runs against a Bot API-compatible server on
127.0.0.1; only Telegram's far end is ours. Also the pure routing rule.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.records import User
from bot.sharding import chat_key, shard_for
from bot.storage import Database
from tests.bot_api_server import BotApiServer
from tests.telegram_fakes import TOKEN, button_press, message

ROOT = Path(__file__).resolve().parent.parent
DUE_CHAT = 9001


# The routing rule (pure) -------------------------------------------------------------


@given(st.integers(min_value=-(10**13), max_value=10**13), st.integers(1, 8))
def test_every_update_of_a_chat_goes_to_the_same_worker(chat_id: int, workers: int) -> None:
    text = message("hello", chat_id=chat_id)
    press = button_press("1:a:x", chat_id=chat_id)
    shards = {shard_for(text, workers), shard_for(press, workers)}
    assert len(shards) == 1
    assert 0 <= shards.pop() < workers


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
_FIELDS = st.sampled_from(["message", "callback_query", "my_chat_member", "inline_query", "x"])


@given(st.dictionaries(_FIELDS, _JSON | st.fixed_dictionaries({"chat": _JSON, "from": _JSON})))
def test_any_update_shape_is_routed_without_crashing(update: dict[str, object]) -> None:
    assert 0 <= shard_for(update, 3) < 3


def test_updates_without_a_chat_are_routed_by_sender_or_to_worker_0() -> None:
    inline = {"update_id": 1, "inline_query": {"id": "q", "from": {"id": 7}, "query": "x"}}
    assert chat_key(inline) == 7
    assert shard_for({"update_id": 2}, 4) == 0
    assert shard_for({"update_id": 3, "message": {"chat": "not an object"}}, 4) == 0
    assert shard_for({"update_id": 4, "callback_query": {"from": {"id": 9}}}, 4) == 1


# The real processes -------------------------------------------------------------------


async def _due_runner(path: Path) -> None:
    """A runner whose check-in time today has passed, so the leader's job must prompt once."""
    now = dt.datetime.now(dt.UTC)
    zone = "UTC" if now.hour >= 1 else "Etc/GMT-12"  # a zone where it is past 01:00 now
    local_now = now.astimezone(ZoneInfo(zone))
    db = await Database.open(path)
    try:
        await db.ensure_user(DUE_CHAT, zone, now)
        await db.start_episode(
            DUE_CHAT,
            onset="days",
            onset_date=local_now.date() - dt.timedelta(days=3),
            today=local_now.date() - dt.timedelta(days=1),
            stage=2,
            pain=4,
            reason="test",
            red_flag=False,
            next_due=now - dt.timedelta(minutes=5),
            now=now - dt.timedelta(days=1),
        )
        checkin_time = (local_now - dt.timedelta(minutes=30)).time().replace(second=0)
        await db.update_settings(DUE_CHAT, checkin_time=checkin_time)
    finally:
        await db.close()


async def _user(path: Path, chat_id: int) -> User:
    db = await Database.open(path)
    try:
        found = await db.user(chat_id)
    finally:
        await db.close()
    assert found is not None
    return found


def _start(server: BotApiServer, database: Path, tmp_path: Path) -> subprocess.Popen[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
    env = {
        **base,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": server.base_url,
        "DATABASE_PATH": str(database),
        "WORKERS": "2",
        "LOG_LEVEL": "INFO",
    }
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bot", "--knowledge", str(ROOT / "knowledge")],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, like a systemd service
    )


def _wait_for(condition: Callable[[], bool], seconds: float = 40.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the bot")
        time.sleep(0.05)


def _texts(server: BotApiServer, chat_id: int) -> list[str]:
    return [str(p["text"]) for p in server.sent("sendMessage") if p["chat_id"] == str(chat_id)]


def _workers_of(pid: int) -> list[int]:
    """The front's spawned worker processes (not multiprocessing's resource tracker)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [
        int(child)
        for child in children
        if "spawn_main" in Path(f"/proc/{child}/cmdline").read_text(errors="replace")
    ]


def test_two_workers_answer_every_chat_in_order_and_prompt_a_due_runner_once(
    tmp_path: Path,
) -> None:
    database = tmp_path / "runback.sqlite3"
    asyncio.run(_due_runner(database))
    chats = list(range(11, 17))  # odd and even ids: both workers get some
    with BotApiServer(TOKEN) as server:
        for chat in chats:
            server.queue_update(message("/start", chat_id=chat))
            server.queue_update(message("heat or ice for my lower back?", chat_id=chat))
        process = _start(server, database, tmp_path)
        try:
            _wait_for(lambda: all(len(_texts(server, chat)) == 2 for chat in chats))
            _wait_for(lambda: len(_texts(server, DUE_CHAT)) == 1)
            assert len(_workers_of(process.pid)) == 2
            time.sleep(1.5)  # time enough for a second prompt, if anything would send one
        finally:
            os.killpg(process.pid, signal.SIGTERM)  # as systemd stops a service: every process
            _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr[-3000:]
    for chat in chats:
        welcome, answer = _texts(server, chat)
        assert "not medical advice" in welcome
        assert "Heat" in answer
    [prompt] = [p for p in server.sent("sendMessage") if p["chat_id"] == str(DUE_CHAT)]
    assert str(prompt["text"]).startswith("Good morning! How's your back today?")
    rows = json.loads(str(prompt["reply_markup"]))["inline_keyboard"]
    assert [button["text"] for row in rows for button in row][:11] == [str(n) for n in range(11)]
    runner = asyncio.run(_user(database, DUE_CHAT))
    assert runner.unanswered == 1
    assert runner.question_kind == "checkin-pain"
    assert len(server.sent("setMyCommands")) == 2  # the leader only: private and group lists
    last_offset = int(server.sent("getUpdates")[-1]["offset"])
    assert last_offset > max(int(u["update_id"]) for u in server._updates)  # confirmed
    assert "2 worker processes started" in stderr
    handled = re.findall(r"worker (\d) handled (\d+) updates", stderr)
    assert sorted(w for w, _ in handled) == ["0", "1"]
    assert sum(int(n) for _, n in handled) == 2 * len(chats)  # each update handled once
    assert TOKEN not in stderr


def test_a_worker_that_dies_stops_the_bot_with_an_error(tmp_path: Path) -> None:
    """Half the chats unanswered would be worse than a restart by the service manager."""
    database = tmp_path / "runback.sqlite3"
    with BotApiServer(TOKEN) as server:
        server.queue_update(message("/start", chat_id=20))
        process = _start(server, database, tmp_path)
        try:
            _wait_for(lambda: len(_texts(server, 20)) == 1)
            workers = _workers_of(process.pid)
            os.kill(workers[1], signal.SIGKILL)
            process.wait(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
            _, stderr = process.communicate(timeout=60)
    assert process.returncode == 1, stderr[-3000:]
    assert "worker 1 stopped" in stderr
    assert "RunBack stopped: a worker process stopped" in stderr
    assert "Traceback" not in stderr
    assert all(not Path(f"/proc/{pid}").exists() for pid in workers)
    assert TOKEN not in stderr
