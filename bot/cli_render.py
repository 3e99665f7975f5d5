"""Showing a reply in a terminal: the text as sent, buttons as numbered choices."""

from __future__ import annotations

from bot.replies import Reply


def render_numbered(reply: Reply) -> str:
    lines = [reply.html]
    lines += [f"  [{number}] {button.label}" for number, button in enumerate(reply.buttons, 1)]
    return "\n".join(lines)
