"""The local playground: chat with the real bot in a terminal, no Telegram needed.

It is the same `Application`, handlers and knowledge base as in production;
only Telegram's network is replaced by the in-process fake Bot API. Inline
buttons show as numbered choices: type the number (or the button's own label)
to press one. `/tomorrow` moves the playground's clock to the next morning and
runs the check-in job, to try a recovery plan without waiting a day. Nothing is
kept after you quit (the database is in memory).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import itertools
import re
import time
from typing import Any, TextIO

from telegram import Update
from telegram.ext import Application

from bot.app import build_application, shut_down, start_up
from bot.checkin_job import run_due_checkins
from bot.fake_bot_api import FakeBotApi
from bot.knowledge import KnowledgeBase
from bot.services import services_of

PLAYGROUND_TOKEN = "100000:PLAYGROUND-local-only"  # noqa: S105 - never leaves the process
CHAT_ID = 1
CONNECT_HINT = (
    "To talk to it on Telegram, put TELEGRAM_BOT_TOKEN=<token from @BotFather> in .env "
    "and run `make run` again."
)
TOMORROW = "/tomorrow"
_TAG = re.compile(r"</?(b|i|u|s|code|pre|a)( [^>]*)?>")


def render(text: str) -> str:
    """Telegram HTML as plain terminal text."""
    return html.unescape(_TAG.sub("", text))


class Playground:
    """Feeds typed lines to the application as updates and prints what the bot sends."""

    def __init__(self, application: Application, api: FakeBotApi, out: TextIO) -> None:  # type: ignore[type-arg]
        self._app = application
        self._api = api
        self._out = out
        self._ids = itertools.count(1)
        self._choices: list[tuple[str, str, int]] = []  # (label, callback data, message id)
        self._clock_offset = dt.timedelta(0)

    def _user(self) -> dict[str, Any]:
        return {"id": CHAT_ID, "is_bot": False, "first_name": "You"}

    def _message(self, text: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": {"id": CHAT_ID, "type": "private", "first_name": "You"},
            "from": self._user(),
            "text": text,
        }
        if text.startswith("/"):
            length = len(text.split()[0])
            body["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return {"update_id": next(self._ids), "message": body}

    def _press(self, data: str, message_id: int) -> dict[str, Any]:
        return {
            "update_id": next(self._ids),
            "callback_query": {
                "id": str(next(self._ids)),
                "from": self._user(),
                "chat_instance": "playground",
                "data": data,
                "message": {
                    "message_id": message_id,
                    "date": int(time.time()),
                    "chat": {"id": CHAT_ID, "type": "private"},
                    "text": "",
                },
            },
        }

    async def send(self, line: str) -> None:
        """One line typed by the person: a button number, or a message."""
        line = line.strip()
        if not line:
            return
        self._api.clear()
        if line.lower() == TOMORROW:
            await self._next_morning()
            self._show()
            return
        by_label = [c for c in self._choices if c[0].lower() == line.lower()]
        if by_label:
            update = self._press(*by_label[0][1:])
        elif line.isdigit() and 1 <= int(line) <= len(self._choices):
            update = self._press(*self._choices[int(line) - 1][1:])
        else:
            update = self._message(line)
        await self._app.process_update(Update.de_json(update, self._app.bot))
        self._show()

    async def _next_morning(self) -> None:
        """Jump a day ahead (to 08:00 local tomorrow) and send what the check-in job would."""
        services = services_of(self._app.bot_data)
        user = await services.db.user(CHAT_ID)
        if user is None or user.next_due is None:
            print("  (no check-in is scheduled: start a plan with /plan)", file=self._out)
            return
        offset = user.next_due - services.now() + dt.timedelta(seconds=1)
        self._clock_offset += max(offset, dt.timedelta(0))
        print(f"  (the playground's clock jumps ahead by {_hours(offset)})", file=self._out)
        await run_due_checkins(services, self._app.bot)

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self._clock_offset

    def _show(self) -> None:
        for call in self._api.calls:
            params = call.params
            if call.method == "answerCallbackQuery" and params.get("text"):
                print(f"  ({params['text']})", file=self._out)
            elif call.method in {"sendPhoto", "sendDocument"}:
                size = sum(len(content) for content in params.get("_files", {}).values())
                kind = "chart" if call.method == "sendPhoto" else "file"
                print(f"\nRunBack: [{kind}, {size:,} bytes] {render(params.get('caption', ''))}",
                      file=self._out)  # fmt: skip
            elif call.method == "sendMessage":
                print(f"\nRunBack: {render(params['text'])}", file=self._out)
                self._show_buttons(params)
        self._out.flush()

    def _show_buttons(self, params: dict[str, Any]) -> None:
        markup = params.get("reply_markup") or {}
        buttons = [button for row in markup.get("inline_keyboard", []) for button in row]
        if not buttons:
            return
        message_id = next(self._ids)
        self._choices = [(b["text"], b["callback_data"], message_id) for b in buttons]
        if all(b["text"].isdigit() for b in buttons):  # a 0-10 scale: type the score itself
            print("  [" + "] [".join(b["text"] for b in buttons) + "]", file=self._out)
            return
        for number, button in enumerate(buttons, 1):
            print(f"  [{number}] {button['text']}", file=self._out)


def _hours(delta: dt.timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:.1f} hours"


class _PlaygroundClock:
    """Real time, plus however far `/tomorrow` has moved the playground ahead."""

    playground: Playground | None = None

    def __call__(self) -> dt.datetime:
        if self.playground is None:
            return dt.datetime.now(dt.UTC)
        return self.playground.now()


async def run_playground(kb: KnowledgeBase, stdin: TextIO, out: TextIO) -> int:
    api = FakeBotApi()
    clock = _PlaygroundClock()
    application = build_application(
        PLAYGROUND_TOKEN, kb, request=api, get_updates_request=FakeBotApi(), clock=clock
    )
    await start_up(application)
    print("RunBack playground: the real bot, running locally. Type a message; a number", file=out)
    print(f"presses a button; {TOMORROW} jumps to the next check-in; 'quit' leaves.", file=out)
    print(CONNECT_HINT, file=out)
    playground = Playground(application, api, out)
    clock.playground = playground
    try:
        await playground.send("/start")
        while True:
            print("\nyou> ", end="", file=out, flush=True)
            line = await asyncio.to_thread(stdin.readline)
            if not line or line.strip().lower() in {"quit", "exit", "/quit"}:
                print("\nBye, and look after that back.", file=out)
                return 0
            await playground.send(line)
    finally:
        await shut_down(application)
