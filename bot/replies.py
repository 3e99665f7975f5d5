"""What the bot says for a match: HTML text and buttons (pure, no Telegram types)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape as _escape

from bot.callback_data import Callback
from bot.knowledge import RED_FLAGS_TOPIC, KnowledgeBase, Topic
from bot.matcher import Match

DISCLAIMER = "RunBack shares general information, not medical advice."
MAX_RELATED_BUTTONS = 2


@dataclass(frozen=True)
class Button:
    """An inline button: a topic's answer, a menu entry, a question's choice, or a link."""

    label: str
    callback: Callback | None = None
    url: str | None = None  # a link button (a deep link into the private chat)

    @classmethod
    def topic(cls, label: str, topic_id: str) -> Button:
        return cls(label, Callback("topic", topic_id))

    @classmethod
    def menu(cls, label: str, item: str) -> Button:
        return cls(label, Callback("menu", item))

    @classmethod
    def choice(cls, label: str, token: str, choice: str) -> Button:
        return cls(label, Callback.answer(token, choice))

    @classmethod
    def link(cls, label: str, url: str) -> Button:
        return cls(label, url=url)


@dataclass(frozen=True)
class Reply:
    html: str  # Telegram HTML: every dynamic string is escaped
    buttons: tuple[Button, ...] = ()
    row_width: int = 2  # buttons per keyboard row (a 0-10 scale fits in two rows of six)


def escape(text: str) -> str:
    """Escape for Telegram's HTML parse mode (quotes need no escaping in text)."""
    return _escape(text, quote=False)


def _topic_buttons(kb: KnowledgeBase, topic_ids: list[str], limit: int) -> tuple[Button, ...]:
    chosen = [t for t in dict.fromkeys(topic_ids) if t in kb.topics][:limit]
    return tuple(Button.topic(kb.topics[t].title, t) for t in chosen)


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


def welcome_reply() -> Reply:
    """The /start message: what RunBack does, the disclaimer, and where to go next."""
    return Reply(
        "<b>Hi, I'm RunBack.</b> I help runners with low back pain: ask me anything in your "
        'own words ("heat or ice?", "can I still do my long run?") and I\'ll answer '
        "briefly, with my source. I'll also flag the warning signs that mean you should see "
        "a doctor straight away.\n\n"
        f"<i>{DISCLAIMER} I can't examine or diagnose you, and I never give doses.</i>",
        (
            Button.menu("Ask a question", "ask"),
            Button.menu("See topics", "topics"),
            Button.menu("Start a recovery plan", "plan"),
        ),
    )


def help_reply() -> Reply:
    return Reply(
        "<b>How to use RunBack</b>\n"
        'Just type your question, e.g. "is ibuprofen ok for my back?" or '
        '"when can I run again?".\n\n'
        "/topics - everything I can answer\n"
        "/about - where my answers come from\n"
        "/help - this message\n\n"
        f"<i>{DISCLAIMER}</i>"
    )


def about_reply() -> Reply:
    return Reply(
        "<b>Where the answers come from</b>\n"
        '• "How to Deal with Low Back Pain (and Still Run)" by Judi Ketteler (MapMyRun), '
        "quoting Timothy Wilt, MD and Robert de las Alas, DO.\n"
        "• The American College of Physicians guideline on noninvasive treatment of low "
        "back pain (Annals of Internal Medicine, 2017), which that article reports.\n"
        "• Warning signs follow NHS / NICE red-flag guidance.\n\n"
        f"<i>{DISCLAIMER} See a doctor about anything that worries you.</i>"
    )


def topics_reply(kb: KnowledgeBase) -> Reply:
    """Every answerable topic as a button (greetings and thanks left out)."""
    shown = [t for t in kb.topics.values() if t.kind != "smalltalk"]
    return Reply(
        "<b>What I can help with</b> - tap a topic:",
        tuple(Button.topic(t.title, t.id) for t in shown),
    )


def ask_prompt_reply() -> Reply:
    return Reply("Go ahead: type your question in your own words.")


def non_text_reply() -> Reply:
    return Reply("I can only read text for now. Type your question and I'll do my best.")


def unknown_command_reply() -> Reply:
    return Reply("I don't know that command. Send /help to see what I can do.")


STALE_BUTTON = "That button is out of date. Send /topics for the current list."
APOLOGY = "Sorry, something went wrong on my side. Please try again in a moment."
