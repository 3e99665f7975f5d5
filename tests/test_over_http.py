"""The bot over real HTTP against a Bot API-compatible server on 127.0.0.1,
with DEBUG logging on: start-up, a question, a button press, shutdown, and
not one log line containing the token."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.app import build_application, shut_down, start_up
from bot.knowledge import KnowledgeBase
from bot.logging_setup import configure_logging
from bot.matcher import Matcher
from tests.bot_api_server import BotApiServer
from tests.telegram_fakes import TOKEN, button_press, message


@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    configure_logging(logging.DEBUG, [TOKEN], stream)
    yield stream
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


async def _until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("timed out waiting for the bot")


async def test_conversation_over_http(
    kb: KnowledgeBase, matcher: Matcher, debug_log: io.StringIO
) -> None:
    with BotApiServer(TOKEN) as server:
        app = build_application(TOKEN, kb, base_url=server.base_url, matcher=matcher)
        await start_up(app)
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        await app.start()
        try:
            server.queue_update(message("heat or ice for my lower back?", chat_id=777))
            await _until(lambda: len(server.sent("sendMessage")) == 1)
            answer = server.sent("sendMessage")[0]
            assert answer["chat_id"] == "777"
            assert "Heat" in answer["text"]
            assert answer["parse_mode"] == "HTML"
            keyboard = json.loads(answer["reply_markup"])["inline_keyboard"]
            server.queue_update(button_press(keyboard[0][0]["callback_data"], chat_id=777))
            await _until(lambda: len(server.sent("sendMessage")) == 2)
            assert len(server.sent("answerCallbackQuery")) == 1
            assert server.sent("sendMessage")[1]["text"].startswith(
                f"<b>{keyboard[0][0]['text']}</b>"
            )
        finally:
            await app.updater.stop()
            await app.stop()
            await shut_down(app)
    methods = server.methods()
    assert methods[0] == "getMe"
    assert {"deleteWebhook", "setMyCommands", "getUpdates"} <= set(methods)
    logged = debug_log.getvalue()
    assert "getUpdates" in logged or "sendMessage" in logged  # DEBUG really logged the calls
    assert TOKEN not in logged
    assert TOKEN.split(":")[1] not in logged


async def test_a_runners_messages_are_answered_in_the_order_sent(
    kb: KnowledgeBase, matcher: Matcher
) -> None:
    """Updates run concurrently, but a slow welcome still arrives before the answer to the
    question sent right after /start; another runner's answer does not wait for it."""
    with BotApiServer(TOKEN) as server:
        server.slow_texts["Hi, I'm RunBack"] = 1.0  # the welcome
        app = build_application(TOKEN, kb, base_url=server.base_url, matcher=matcher)
        await start_up(app)
        assert app.updater is not None
        server.queue_update(message("/start", chat_id=31))
        server.queue_update(message("heat or ice for my lower back?", chat_id=31))
        server.queue_update(message("can I take ibuprofen for my back?", chat_id=32))
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        await app.start()
        try:
            await _until(lambda: len(server.delivered) == 3)
        finally:
            await app.updater.stop()
            await app.stop()
            await shut_down(app)
    welcome, answer = [p["text"] for p in server.delivered if p["chat_id"] == "31"]
    assert "Hi, I'm RunBack" in welcome
    assert "Heat" in answer
    other = server.delivered[0]  # the other runner's answer did not wait for the welcome
    assert other["chat_id"] == "32"
    assert "NSAIDs" in other["text"]


def test_python_m_bot_runs_against_a_bot_api_server(tmp_path: Path) -> None:
    """The real entry point, configured only by environment variables, as a black box."""
    with BotApiServer(TOKEN) as server:
        server.queue_update(message("can I take ibuprofen for my back?", chat_id=4242))
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))},
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": server.base_url,
            "LOG_LEVEL": "DEBUG",
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "bot"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.monotonic() + 30
            while not server.sent("sendMessage") and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            process.send_signal(signal.SIGINT)
            _, stderr = process.communicate(timeout=30)
    [answer] = server.sent("sendMessage")
    assert answer["chat_id"] == "4242"
    assert "NSAIDs" in answer["text"]
    assert {"getMe", "deleteWebhook", "setMyCommands"} <= set(server.methods())
    assert process.returncode == 0, stderr[-2000:]
    assert "DEBUG" in stderr
    assert TOKEN not in stderr
