"""A text-only local chat with the matcher, until the Telegram playground lands.

Buttons show as numbered choices; typing the number picks one.
"""

from __future__ import annotations

from typing import TextIO

from bot.cli_render import render_numbered
from bot.knowledge import KnowledgeBase
from bot.matcher import Matcher
from bot.replies import Reply, answer_reply, reply_for

WELCOME = (
    "RunBack local chat. Ask about low back pain and running in your own words; "
    "type a number to pick a button, or 'quit' to leave.\n"
    "RunBack shares general information, not medical advice."
)


def run_console(kb: KnowledgeBase, *, token_set: bool, out: TextIO, stdin: TextIO) -> int:
    matcher = Matcher(kb)
    if token_set:
        print(
            "The Telegram connection is not built yet; running the local chat instead.", file=out
        )
    print(WELCOME, file=out)
    shown: Reply | None = None
    while True:
        print("you> ", end="", file=out, flush=True)
        line = stdin.readline()
        if not line or line.strip().lower() in {"quit", "exit"}:
            print("Bye, and look after that back.", file=out)
            return 0
        text = line.strip()
        if shown is not None and text.isdigit() and 1 <= int(text) <= len(shown.buttons):
            shown = answer_reply(kb, kb.topic(shown.buttons[int(text) - 1].callback.value))
        elif text:
            shown = reply_for(kb, matcher.match(text))
        else:
            continue
        print(render_numbered(shown), file=out, flush=True)
