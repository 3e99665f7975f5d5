"""The local playground: chat with the real bot in a terminal, no Telegram needed.

It is the same `Application`, handlers and knowledge base as in production;
only Telegram's network is replaced by the in-process fake Bot API. Inline
buttons show as numbered choices: type the number to press one.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import re
import time
from typing import Any, TextIO

from telegram import Update
from telegram.ext import Application

from bot.app import build_application, shut_down, start_up
from bot.fake_bot_api import FakeBotApi
from bot.knowledge import KnowledgeBase

PLAYGROUND_TOKEN = "100000:PLAYGROUND-local-only"  # noqa: S105 - never leaves the process
CHAT_ID = 1
CONNECT_HINT = (
    "To talk to it on Telegram, put TELEGRAM_BOT_TOKEN=<token from @BotFather> in .env "
    "and run `make run` again."
)
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
        self._choices: list[tuple[str, int]] = []  # (callback data, message id) by number

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
        if line.isdigit() and 1 <= int(line) <= len(self._choices):
            update = self._press(*self._choices[int(line) - 1])
        else:
            update = self._message(line)
        self._api.clear()
        await self._app.process_update(Update.de_json(update, self._app.bot))
        self._show()

    def _show(self) -> None:
        for call in self._api.calls:
            if call.method == "answerCallbackQuery" and call.params.get("text"):
                print(f"  ({call.params['text']})", file=self._out)
            if call.method != "sendMessage":
                continue
            print(f"\nRunBack: {render(call.params['text'])}", file=self._out)
            buttons = [
                button
                for row in (call.params.get("reply_markup") or {}).get("inline_keyboard", [])
                for button in row
            ]
            if buttons:
                self._choices = [(b["callback_data"], next(self._ids)) for b in buttons]
                for number, button in enumerate(buttons, 1):
                    print(f"  [{number}] {button['text']}", file=self._out)
        self._out.flush()


async def run_playground(kb: KnowledgeBase, stdin: TextIO, out: TextIO) -> int:
    api = FakeBotApi()
    application = build_application(
        PLAYGROUND_TOKEN, kb, request=api, get_updates_request=FakeBotApi()
    )
    await start_up(application)
    print("RunBack playground: the real bot, running locally. Type a message; a number", file=out)
    print("presses a button; 'quit' leaves. " + CONNECT_HINT, file=out)
    playground = Playground(application, api, out)
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
