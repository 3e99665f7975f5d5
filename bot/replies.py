"""What the bot says for a match: HTML text and buttons (pure, no Telegram types)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape as _escape

from bot.knowledge import RED_FLAGS_TOPIC, KnowledgeBase, Topic
from bot.matcher import Match

DISCLAIMER = "RunBack shares general information, not medical advice."
MAX_RELATED_BUTTONS = 2


@dataclass(frozen=True)
class Button:
    """An inline button that opens a topic's answer."""

    label: str
    topic: str


@dataclass(frozen=True)
class Reply:
    html: str  # Telegram HTML: every dynamic string is escaped
    buttons: tuple[Button, ...] = ()


def escape(text: str) -> str:
    """Escape for Telegram's HTML parse mode (quotes need no escaping in text)."""
    return _escape(text, quote=False)


def _topic_buttons(kb: KnowledgeBase, topic_ids: list[str], limit: int) -> tuple[Button, ...]:
    chosen = [t for t in dict.fromkeys(topic_ids) if t in kb.topics][:limit]
    return tuple(Button(kb.topics[t].title, t) for t in chosen)


def answer_reply(kb: KnowledgeBase, topic: Topic) -> Reply:
    """A topic's answer with its source line and up to two related topics."""
    parts = [f"<b>{escape(topic.title)}</b>", escape(topic.answer)]
    if topic.kind != "smalltalk":
        parts.append(f"<i>Source: {escape(topic.source)}</i>\n{DISCLAIMER}")
    related = _topic_buttons(kb, list(topic.related), MAX_RELATED_BUTTONS)
    return Reply("\n\n".join(parts), related)


def urgent_reply(kb: KnowledgeBase, match: Match) -> Reply:
    """The red-flag answer, first and prominent; the rest of the question can wait."""
    if match.red_flag is None:
        return answer_reply(kb, kb.topic(RED_FLAGS_TOPIC))
    advice = kb.red_flags.levels[match.red_flag.level]
    parts = [
        f"<b>{escape(advice.title)}</b>",
        escape(advice.answer),
        f"<i>You mentioned: {escape(match.red_flag.rule.says)}.</i>",
        f"<i>Source: {escape(advice.source)}</i>\n{DISCLAIMER}",
    ]
    later = _topic_buttons(kb, [a.topic for a in match.alternatives], MAX_RELATED_BUTTONS)
    if later:
        parts.append("Once you've been checked, your other question is below.")
    return Reply("\n\n".join(parts), later)


def clarify_reply(kb: KnowledgeBase, match: Match) -> Reply:
    options = _topic_buttons(kb, [a.topic for a in match.alternatives], 3)
    if not options:
        return fallback_reply(kb)
    return Reply("I'm not quite sure what you're asking. Did you mean one of these?", options)


def fallback_reply(kb: KnowledgeBase) -> Reply:
    return Reply(
        "I can only help with low back pain and running: easing the pain, medicines, "
        "which professional to see, and getting back to running. Knees, shoes, training "
        "plans and the weather are outside what I know. Try asking in your own words, "
        f"or send /topics to browse all {len(kb.topics)} topics I cover."
    )


def reply_for(kb: KnowledgeBase, match: Match) -> Reply:
    """The message the bot sends for `match`."""
    if match.kind == "urgent":
        return urgent_reply(kb, match)
    if match.kind in {"answer", "smalltalk"} and match.topic is not None:
        return answer_reply(kb, kb.topic(match.topic))
    if match.kind == "clarify":
        return clarify_reply(kb, match)
    return fallback_reply(kb)
