"""Driving the real Application like runners do: typing, pressing buttons, waiting for mornings.

Only Telegram's network (FakeBotApi) and the clock are replaced; the database
is a real SQLite file.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telegram.ext import Application

from bot.app import build_application, shut_down, start_up
from bot.checkin_job import JOB_NAME
from bot.fake_bot_api import FakeBotApi
from bot.knowledge import KnowledgeBase
from bot.matcher import Matcher
from tests.telegram_fakes import TOKEN, button_press, feed, message


@dataclass
class Clock:
    now: dt.datetime

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@dataclass
class Harness:
    """One bot process: start it, talk to it, restart it on the same database file."""

    kb: KnowledgeBase
    matcher: Matcher
    database: Path
    clock: Clock
    timezone: str = "UTC"
    api: FakeBotApi = field(default_factory=FakeBotApi)
    app: Application | None = None  # type: ignore[type-arg]

    async def start(self) -> None:
        self.app = build_application(
            TOKEN,
            self.kb,
            request=self.api,
            get_updates_request=FakeBotApi(),
            matcher=self.matcher,
            database_path=self.database,
            default_timezone=self.timezone,
            clock=self.clock,
            rate_limit=False,
        )
        await start_up(self.app)

    async def stop(self) -> None:
        if self.app is not None:
            await shut_down(self.app)
            self.app = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    def _app(self) -> Application:  # type: ignore[type-arg]
        assert self.app is not None, "start() first"
        return self.app

    async def run_checkin_job(self) -> None:
        app = self._app()
        assert app.job_queue is not None
        [job] = app.job_queue.get_jobs_by_name(JOB_NAME)
        await job.run(app)

    async def say(self, chat_id: int, text: str) -> None:
        await feed(self._app(), message(text, chat_id))

    def messages_to(self, chat_id: int) -> list[dict[str, Any]]:
        return [p for p in self.api.sent() if p["chat_id"] == chat_id]

    def last_to(self, chat_id: int) -> dict[str, Any]:
        return self.messages_to(chat_id)[-1]

    async def press(self, chat_id: int, label: str) -> None:
        """Press the button labelled `label` on the latest message to `chat_id` that has it."""
        for sent in reversed(self.messages_to(chat_id)):
            for button in buttons(sent):
                if button["text"] == label:
                    await feed(self._app(), button_press(button["callback_data"], chat_id))
                    return
        raise AssertionError(f"no button {label!r} sent to {chat_id}")

    def notices(self) -> list[str | None]:
        return [p.get("text") for p in self.api.sent("answerCallbackQuery")]

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with closing(sqlite3.connect(self.database)) as connection:
            return connection.execute(sql, params).fetchall()

    async def start_plan(
        self, chat_id: int, *, onset: str = "1–4 weeks ago", pain: int = 5, volume: str = "30 km"
    ) -> None:
        await self.say(chat_id, "/plan")
        await self.press(chat_id, onset)
        await self.press(chat_id, str(pain))
        if volume == "skip":
            await self.press(chat_id, "Skip")
        else:
            await self.say(chat_id, volume)
        await self.press(chat_id, "No")


def buttons(sent: dict[str, Any]) -> list[dict[str, Any]]:
    markup = sent.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


PROMPT = "How's your back today?"
