"""Hostile input through the real Application: anything a client, or a forger, can send.

Each hypothesis example runs a fresh bot (the real `Application`, FakeBotApi, a
real SQLite file in a temporary folder) in its own event loop; the knowledge
base and matcher are loaded once. Every update must leave the error handler
unused, get a sensible reply or silence, and change no data it did not ask for.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import json
import re
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from telegram.ext import ContextTypes

from bot.callback_data import MENU_ITEMS, decode
from bot.club_commands import ClubTipsRequest, parse_clubtips
from bot.fake_bot_api import _ADMIN_RIGHTS as ADMIN_RIGHTS
from bot.fake_bot_api import ApiCall
from bot.handlers.answers import TEXT_STEPS
from bot.handlers.flow import CHOICES
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.matcher import Matcher
from bot.message_split import utf16_length
from bot.replies import APOLOGY
from tests.episode_driver import Clock, Harness, buttons
from tests.telegram_fakes import (
    BOT_ID,
    CLUB,
    bot_membership,
    bot_message,
    button_press,
    feed,
    group_button_press,
    group_message,
    message,
    my_chat_member,
    user,
)

START = dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC)
ANA, OTHER, STRANGER = 501, 502, 777
ADMIN, MEMBER = 601, 602
CHANNEL = -1009876543210
SEND_METHODS = {"sendMessage", "sendPhoto", "sendDocument", "editMessageText"}
FAST = settings(max_examples=70, deadline=None)


@functools.cache
def _knowledge() -> tuple[KnowledgeBase, Matcher]:
    kb = load_knowledge()
    return kb, Matcher(kb)


# ---------------------------------------------------------------------------------------------
# Running one bot per example


@dataclass
class Bot:
    """One fresh bot: the harness, and every error that reached the error handlers."""

    harness: Harness
    errors: list[BaseException | None]

    async def feed(self, update: dict[str, Any]) -> list[ApiCall]:
        """Feed `update`; the API calls it caused. Nothing may reach the error handler."""
        before = len(self.harness.api.calls)
        await feed(self.harness.app, update)  # type: ignore[arg-type]
        assert self.errors == [], f"the error handler was reached: {self.errors!r}"
        calls = self.harness.api.calls[before:]
        for call in calls:
            if call.method == "sendMessage":
                assert_sensible(call.params)
        return calls

    async def say(self, text: str, chat_id: int = ANA) -> list[ApiCall]:
        return await self.feed(private_text(text, chat_id))

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table: what "the database is unchanged" compares."""
        tables = self.harness.rows("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {
            name: sorted(self.harness.rows(f"SELECT * FROM {name}"), key=repr)  # noqa: S608
            for (name,) in sorted(tables)
        }

    def count(self, table: str) -> int:
        [(count,)] = self.harness.rows(f"SELECT count(*) FROM {table}")  # noqa: S608
        return int(count)

    def question(self, chat_id: int = ANA) -> tuple[str | None, str | None, str]:
        rows = self.harness.rows(
            "SELECT question_kind, question_token, draft FROM users WHERE chat_id = ?", chat_id
        )
        return rows[0] if rows else (None, None, "{}")


Scenario = Callable[[Bot], Awaitable[None]]


async def _run(scenario: Scenario) -> None:
    kb, matcher = _knowledge()
    with tempfile.TemporaryDirectory() as folder:
        harness = Harness(
            kb, matcher, Path(folder) / "runback.sqlite3", Clock(START), "Europe/London"
        )
        harness.api.member_status[(CLUB, ADMIN)] = "administrator"
        await harness.start()
        assert harness.app is not None
        errors: list[BaseException | None] = []

        async def record(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
            errors.append(context.error)

        harness.app.add_error_handler(record)
        try:
            await scenario(Bot(harness, errors))
        finally:
            await harness.stop()


def run(scenario: Scenario) -> None:
    asyncio.run(_run(scenario))


def sends(calls: list[ApiCall]) -> list[ApiCall]:
    return [call for call in calls if call.method in SEND_METHODS]


def texts(calls: list[ApiCall]) -> list[str]:
    return [call.params["text"] for call in calls if call.method == "sendMessage"]


def answered_queries(calls: list[ApiCall]) -> list[dict[str, Any]]:
    return [call.params for call in calls if call.method == "answerCallbackQuery"]


# ---------------------------------------------------------------------------------------------
# What a sensible message is: Telegram would accept it, and it is not the apology

_TELEGRAM_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
    "tg-spoiler", "span", "blockquote", "tg-emoji",
}  # fmt: skip
_TELEGRAM_ENTITIES = {"lt", "gt", "amp", "quot"}


class _TelegramHtml(HTMLParser):
    """Telegram's HTML parse mode: few tags, balanced, and no bare <, > or &."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open: list[str] = []
        self.problems: list[str] = []
        self.visible: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _TELEGRAM_TAGS:
            self.problems.append(f"unsupported tag <{tag}>")
        self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.problems.append(f"self-closing tag <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.problems.append(f"unbalanced </{tag}>")

    def handle_data(self, data: str) -> None:
        for bare in "<>&":
            if bare in data:
                self.problems.append(f"bare {bare!r} in {data[:40]!r}")
        self.visible.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in _TELEGRAM_ENTITIES:
            self.problems.append(f"unknown entity &{name};")
        self.visible.append("x")

    def handle_charref(self, name: str) -> None:
        self.visible.append("x")

    def handle_comment(self, data: str) -> None:
        self.problems.append("a comment")

    def handle_decl(self, decl: str) -> None:
        self.problems.append("a declaration")

    def unknown_decl(self, data: str) -> None:
        self.problems.append("a declaration")

    def handle_pi(self, data: str) -> None:
        self.problems.append("a processing instruction")


def html_problems(text: str) -> list[str]:
    parser = _TelegramHtml()
    parser.feed(text)
    parser.close()
    problems = parser.problems + [f"<{tag}> never closed" for tag in parser.open]
    if not "".join(parser.visible).strip():
        problems.append("no visible text")
    return problems


def assert_sensible(sent: dict[str, Any]) -> None:
    """A message Telegram would deliver: HTML it can parse, ≤ 4,096 units, no apology."""
    text = sent["text"]
    assert text != APOLOGY, "the error handler apologised"
    assert 0 < utf16_length(text) <= 4096, f"{utf16_length(text)} UTF-16 units"
    assert html_problems(text) == [], text[:300]
    for button in buttons(sent):
        data = button.get("callback_data")
        if data is not None:
            assert len(data.encode()) <= 64
            assert decode(data) is not None, data
        else:
            assert str(button["url"]).startswith("https://")


# ---------------------------------------------------------------------------------------------
# Updates as Telegram's servers would send them

_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
_MENTION = re.compile(r"(?<![A-Za-z0-9_])@[A-Za-z0-9_]{5,32}")


def telegram_entities(text: str) -> list[dict[str, Any]]:
    """bot_command and mention entities, offsets and lengths in UTF-16 units like Telegram's."""
    spans: list[tuple[str, int, int]] = []
    command = _COMMAND.match(text)
    if command is not None:
        spans.append(("bot_command", 0, command.end()))
    spans += [("mention", m.start(), m.end()) for m in _MENTION.finditer(text)]
    return [
        {
            "type": kind,
            "offset": utf16_length(text[:start]),
            "length": utf16_length(text[start:end]),
        }
        for kind, start, end in spans
    ]


def _with_entities(update: dict[str, Any]) -> dict[str, Any]:
    body = update["message"]
    entities = telegram_entities(body["text"])
    body.pop("entities", None)
    if entities:
        body["entities"] = entities
    return update


def private_text(text: str, chat_id: int = ANA) -> dict[str, Any]:
    return _with_entities(message(text, chat_id))


def group_text(text: str, user_id: int = MEMBER, **extra: Any) -> dict[str, Any]:
    return _with_entities(group_message(text, user_id, **extra))


# ---------------------------------------------------------------------------------------------
# Strategies

FRAGMENTS = st.sampled_from(
    [
        "\u200f", "\u200e", "\u202e", "\u202d", "\u2066", "\u2069", "\u200d", "\u200b",
        "\u2060", "\ufeff", "\x00", "\x07", "\x1b[31m", "\r\n", "\t", "\u2028", "\x85",
        "🏃", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇬🇧", "👍🏽", "e\u0301", "\u0338" * 20, "ﷺ", "𝕓𝕒𝕔𝕜",
        "<b>", "</b>", "<a href='x'>", "&amp;", "&", "&#0;", "<script>x</script>", "]]>",
        "{{x}}", "%s", "${x}", "'; DROP TABLE users; --", "\\", '"', "`", "*_[", "||",
        "@RunBackBot", "@runbackbot", "/start", "/plan", "/ask", "/help@RunBackBot", "/",
        "back pain", "ibuprofen", "heat or ice", "can't feel it when I wipe", "numb groin",
        "30 km", "07:30", "Europe/London", "yes", "no", "skip", "10", "-1", "٠٧:٣٠", "７:３０",
        "7 pm", "noon", "25:61", "1e309 km", "9" * 400, "NaN km", "-0 mi", "Etc/GMT+14",
    ]
)  # fmt: skip
_mixed = st.lists(st.one_of(FRAGMENTS, st.text(max_size=6), st.just(" ")), max_size=40).map(
    "".join
)
_long = st.builds(
    lambda piece, count: (piece * count)[:4096],
    st.one_of(FRAGMENTS, st.text(min_size=1, max_size=5)),
    st.integers(500, 4096),
)
ANY_TEXT = st.one_of(st.text(min_size=1, max_size=300), _mixed, _long).filter(bool)
PLAIN_TEXT = ANY_TEXT.filter(lambda text: not text.lstrip().startswith("/"))

_HEX = st.text("0123456789abcdef", max_size=14)
_CHOICE = st.one_of(
    st.sampled_from(
        ["0", "5", "10", "11", "-1", "yes", "no", "skip", "today", "week", "longer", "time",
         "zone", "volume", "fine", "worse", "skipped", "europe-london"]
    ),
    st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12),
    st.text(max_size=10),
)  # fmt: skip
_MENU_ITEM = st.sampled_from(MENU_ITEMS)
_TOPIC = st.deferred(lambda: st.sampled_from(sorted(_knowledge()[0].topics)))
CALLBACK_DATA = st.one_of(
    st.text(max_size=80),
    st.binary(max_size=80).map(lambda raw: raw.decode("utf-8", "replace")),
    st.binary(max_size=80).map(lambda raw: raw.decode("latin-1")),
    st.builds(lambda token, choice: f"1:a:{token}-{choice}", _HEX, _CHOICE),
    # {token}: the open question's real token; {old}: the token of an earlier question.
    st.builds(lambda choice: "1:a:{token}-" + choice, _CHOICE),
    st.builds(lambda choice: "1:a:{old}-" + choice, _CHOICE),
    st.builds(lambda topic: "1:t:" + topic, st.one_of(_TOPIC, st.text(max_size=50))),
    st.builds(lambda item: "1:m:" + item, st.one_of(_MENU_ITEM, st.text(max_size=10))),
    st.sampled_from(
        ["", ":", "1:", "1::", "1:a:", "1:a:-", "1:t:", "1:m:", "2:t:heat-and-ice",
         "1:T:heat-and-ice", "1:t:heat-and-ice ", " 1:t:heat-and-ice", "1:t:HEAT-AND-ICE",
         "1:t:heat-and-ice\n", "1:m:plan\x00", "1:a:deadbeef-" + "9" * 40, "1:t:" + "a" * 60,
         "1:t:" + "é" * 30, "1:a:{token}-", "1:a:{token}-10\u200b", "1:a:{token}-١"]
    ),
)  # fmt: skip
PRESSERS = st.sampled_from(
    ["owner", "other-in-owner-chat", "stranger-own-chat", "group-member", "group-admin", "inline"]
)


# ---------------------------------------------------------------------------------------------
# Set-ups shared by the properties


async def _mid_plan(bot: Bot) -> tuple[str, str]:
    """Ana has typed /plan and pressed "Today": the pain question is open. (old, open) tokens."""
    await bot.say("/plan")
    old = bot.question()[1]
    await bot.harness.press(ANA, "Today")
    kind, token, _ = bot.question()
    assert kind == "plan-pain"
    assert old is not None
    assert token is not None
    return old, token


async def _club_with_tips(bot: Bot) -> None:
    await bot.feed(bot_membership("member", old="left"))
    await bot.feed(group_text("/clubtips on 07:30 Europe/London", ADMIN))
    assert bot.harness.rows("SELECT tips_time FROM clubs") == [("07:30",)]


def _press(data: str, presser: str) -> dict[str, Any]:
    if presser == "owner":
        return button_press(data, ANA)
    if presser == "other-in-owner-chat":
        update = button_press(data, ANA)
        update["callback_query"]["from"] = user(OTHER, "Bo")
        return update
    if presser == "stranger-own-chat":
        return button_press(data, STRANGER)
    if presser in ("group-member", "group-admin"):
        asked = group_text("/ask back", MEMBER)["message"]
        return group_button_press(data, MEMBER if presser == "group-member" else ADMIN, 900, asked)
    update = button_press(data, ANA)  # "inline": a button on an inline message, no chat at all
    del update["callback_query"]["message"]
    update["callback_query"]["inline_message_id"] = "AAAA-inline"
    return update


# ---------------------------------------------------------------------------------------------
# 1. Any private text


@FAST
@given(text=ANY_TEXT)
def test_any_private_text_gets_a_few_sensible_replies_and_stores_no_plan(text: str) -> None:
    async def scenario(bot: Bot) -> None:
        calls = await bot.say(text)
        assert 1 <= len(sends(calls)) <= 3
        for table in ("episodes", "checkins", "events", "clubs"):
            assert bot.count(table) == 0, table
        if not text.startswith("/"):  # a question stores nothing at all
            assert bot.count("users") == 0

    run(scenario)


# ---------------------------------------------------------------------------------------------
# 2. Any callback data, from anyone, anywhere


@FAST
@given(template=CALLBACK_DATA, presser=PRESSERS)
def test_any_button_is_answered_and_changes_only_what_it_legitimately_asks(
    template: str, presser: str
) -> None:
    async def scenario(bot: Bot) -> None:
        old, token = await _mid_plan(bot)
        await _club_with_tips(bot)
        _, _, draft_json = bot.question()
        data = template.replace("{token}", token).replace("{old}", old)
        before = bot.dump()
        update = _press(data, presser)
        calls = await bot.feed(update)

        [answered] = answered_queries(calls)
        assert answered["callback_query_id"] == update["callback_query"]["id"]
        assert len(answered.get("text") or "") <= 200  # Telegram's limit for a notice
        callback = decode(data)
        kb = bot.harness.kb
        in_own_chat = presser in ("owner", "stranger-own-chat")
        starts_plan = in_own_chat and data == "1:m:plan"
        answers_open_question = (
            presser == "owner"
            and callback is not None
            and callback.action == "answer"
            and callback.token_and_choice[0] == token
            and callback.token_and_choice[1] in _json(draft_json)[CHOICES]
        )
        shows_something = answers_open_question or (
            callback is not None
            and (
                callback.action == "menu"
                or (callback.action == "topic" and callback.value in kb.topics)
            )
        )
        if not shows_something or presser == "inline":
            assert sends(calls) == []
        assert len(sends(calls)) <= 3

        after = bot.dump()
        if starts_plan or answers_open_question:
            return
        assert after == before

    run(scenario)


def _json(text: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(text)
    return loaded


# ---------------------------------------------------------------------------------------------
# 3. Commands with any arguments

_ARGS = st.one_of(
    st.just(""),
    st.text(max_size=120),
    st.lists(
        st.one_of(
            FRAGMENTS,
            st.sampled_from(
                ["on", "ON", "off", "Off", "07:30", "7am", "25:00", "23:59", "00:00", "7:5",
                 "Europe/London", "london", "UTC", "utc+1", "Mars/Olympus", "America/New_York",
                 "plan", "checkin", "forget", "club-1001234567890", f"club{CLUB}", "club",
                 "A" * 64, "A" * 65]
            ),
            st.text(max_size=8),
        ),
        max_size=6,
    ).map(" ".join),
)  # fmt: skip
_SUFFIX = st.sampled_from(["", "", "@RunBackBot", "@runbackbot", "@OtherBot"])
_PRIVATE_COMMANDS = st.sampled_from(
    ["start", "ask", "settings", "plan", "forget", "whatever", "clubtips", "clubstats", "help",
     "about", "topics", "checkin", "progress", "export", "pause", "resume", "stop", "clubs"]
)  # fmt: skip
_GROUP_COMMANDS = st.sampled_from(
    ["clubtips", "clubtips", "clubtips", "clubstats", "ask", "plan", "start", "forget",
     "settings", "whatever", "help"]
)  # fmt: skip


def _command(name: str, suffix: str, args: str) -> str:
    return f"/{name}{suffix} {args}" if args else f"/{name}{suffix}"


@FAST
@given(name=_PRIVATE_COMMANDS, suffix=_SUFFIX, args=_ARGS)
def test_private_commands_with_any_arguments(name: str, suffix: str, args: str) -> None:
    async def scenario(bot: Bot) -> None:
        calls = await bot.say(_command(name, suffix, args))
        assert len(sends(calls)) <= 3
        for table in ("episodes", "checkins", "clubs", "club_members"):
            assert bot.count(table) == 0, table

    run(scenario)


@FAST
@given(
    name=_GROUP_COMMANDS,
    suffix=_SUFFIX,
    args=_ARGS,
    sender=st.sampled_from(["member", "admin", "anonymous-admin", "another-group"]),
)
def test_group_commands_with_any_arguments_change_tips_only_when_valid(
    name: str, suffix: str, args: str, sender: str
) -> None:
    async def scenario(bot: Bot) -> None:
        await _club_with_tips(bot)
        before = bot.dump()
        text = _command(name, suffix, args)
        if sender == "anonymous-admin":  # an admin posting as the group: no `from`
            update = group_text(text, ADMIN, sender_chat={"id": CLUB, "type": "supergroup"})
            del update["message"]["from"]
        elif sender == "another-group":  # a channel's post linked into the group
            update = group_text(text, MEMBER, sender_chat={"id": CHANNEL, "type": "channel"})
        else:
            update = group_text(text, ADMIN if sender == "admin" else MEMBER)
        calls = await bot.feed(update)
        assert len(sends(calls)) <= 3

        after = bot.dump()
        assert {k: v for k, v in after.items() if k != "clubs"} == {
            k: v for k, v in before.items() if k != "clubs"
        }
        request = parse_clubtips(text.split()[1:])
        by_admin = sender in ("admin", "anonymous-admin")
        for_us = suffix.lower() in ("", "@runbackbot")
        if name == "clubtips" and by_admin and for_us and isinstance(request, ClubTipsRequest):
            [(at, zone)] = bot.harness.rows("SELECT tips_time, tips_timezone FROM clubs")
            expected_at = request.at.strftime("%H:%M") if request.at else None
            assert (at, zone) == (expected_at, request.timezone)
        else:
            assert after["clubs"] == before["clubs"]

    run(scenario)


# ---------------------------------------------------------------------------------------------
# 4. Non-text messages and updates with missing optional fields

_STICKER = {
    "file_id": "CAAC", "file_unique_id": "AgAD", "type": "regular", "width": 512,
    "height": 512, "is_animated": False, "is_video": False, "emoji": "🏃",
}  # fmt: skip
_PHOTO = [{"file_id": "AgAC", "file_unique_id": "AQAD", "width": 90, "height": 90}]
_BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "RunBack", "username": "RunBackBot"}
_CHANNEL_CHAT = {"id": CHANNEL, "type": "channel", "title": "Race News"}


def _no_from(update: dict[str, Any]) -> dict[str, Any]:
    del update["message"]["from"]
    return update


def _as(kind: str, update: dict[str, Any]) -> dict[str, Any]:
    update[kind] = update.pop("message")
    if kind.startswith("edited"):
        update[kind]["edit_date"] = int(time.time())
    return update


def _channel_post(text: str, kind: str = "channel_post") -> dict[str, Any]:
    update = message(text, ANA)
    update["message"]["chat"] = dict(_CHANNEL_CHAT)
    update["message"]["sender_chat"] = dict(_CHANNEL_CHAT)
    del update["message"]["from"]
    return _as(kind, _with_entities(update))


def _inline_press(data: str) -> dict[str, Any]:
    return _press(data, "inline")


def _game_press(_: str) -> dict[str, Any]:
    update = button_press("ignored", ANA)
    del update["callback_query"]["data"]
    update["callback_query"]["game_short_name"] = "runner"
    return update


def _channel_membership(status: str) -> dict[str, Any]:
    update = bot_membership(status, CHANNEL, old="left" if status != "left" else "administrator")
    change = update["my_chat_member"]
    change["chat"] = dict(_CHANNEL_CHAT)
    for member in (change["old_chat_member"], change["new_chat_member"]):
        if member["status"] == "administrator":
            member.update(ADMIN_RIGHTS)
    return update


def _someone_joined(_: str) -> dict[str, Any]:
    update = {
        "update_id": 99,
        "chat_member": {
            "chat": {"id": CLUB, "type": "supergroup", "title": "Riverside Harriers"},
            "from": user(603),
            "date": int(time.time()),
            "old_chat_member": {"status": "left", "user": user(603)},
            "new_chat_member": {"status": "member", "user": user(603)},
        },
    }
    return update


# name -> (build from a random text, whether the database may change)
NON_TEXT: dict[str, tuple[Callable[[str], dict[str, Any]], bool]] = {
    "sticker": (lambda _: message(None, ANA, sticker=_STICKER), False),
    "photo with caption": (lambda t: message(None, ANA, photo=_PHOTO, caption=t), False),
    "location": (lambda _: message(None, ANA, location={"latitude": 51.5, "longitude": 0}), False),
    "contact": (
        lambda t: message(None, ANA, contact={"phone_number": "+44", "first_name": t[:64]}),
        False,
    ),
    "dice": (lambda _: message(None, ANA, dice={"emoji": "🎲", "value": 6}), False),
    "voice": (
        lambda _: message(None, ANA, voice={"file_id": "v", "file_unique_id": "v", "duration": 1}),
        False,
    ),
    "empty body, no from": (lambda _: _no_from(message(None, ANA)), False),
    "text, no from": (lambda t: _no_from(private_text(t)), False),
    "group sticker, no from": (
        lambda _: _no_from(_as_group(message(None, ANA, sticker=_STICKER))),
        False,
    ),
    "group sticker replying to the bot": (
        lambda _: _as_group(message(None, ANA, sticker=_STICKER, reply_to_message=bot_message(5))),
        False,
    ),
    "group text replying to a message with no from": (
        lambda t: group_text(t, reply_to={k: v for k, v in bot_message(5).items() if k != "from"}),
        True,  # a reply addressed nobody; remember_club may still run if it mentions the bot
    ),
    "group photo mentioning the bot in its caption": (
        lambda t: _as_group(message(None, ANA, photo=_PHOTO, caption="@RunBackBot " + t)),
        False,
    ),
    "bot added as a new member": (
        lambda _: _as_group(message(None, ANA, new_chat_members=[_BOT_USER])),
        False,
    ),
    "group migrated to a supergroup": (
        lambda _: _as_group(message(None, ANA, migrate_to_chat_id=CLUB - 1)),
        True,
    ),
    "inline button, no message": (_inline_press, False),
    "game button, no data": (_game_press, False),
    "edited private text": (lambda t: _as("edited_message", private_text(t)), False),
    "edited group mention": (
        lambda t: _as("edited_message", group_text("@RunBackBot " + t)),
        False,
    ),
    "channel post": (lambda t: _channel_post("@RunBackBot " + t), False),
    "channel post command": (lambda t: _channel_post("/ask " + t), False),
    "edited channel post": (lambda t: _channel_post(t, "edited_channel_post"), False),
    "message in a channel chat": (lambda t: _channel_post("@RunBackBot " + t, "message"), False),
    "bot made a channel admin": (lambda _: _channel_membership("administrator"), False),
    "bot removed from a channel": (lambda _: _channel_membership("left"), False),
    "stranger blocks the bot": (lambda _: my_chat_member("kicked", STRANGER), False),
    "someone joins the group": (_someone_joined, False),
}


# Text the bot may answer in full, as it answers any question.
ANSWERABLE = {"text, no from", "group text replying to a message with no from"}


def _as_group(update: dict[str, Any]) -> dict[str, Any]:
    update["message"]["chat"] = {"id": CLUB, "type": "supergroup", "title": "Riverside Harriers"}
    update["message"]["from"] = user(MEMBER, "Runner602")
    return update


@FAST
@given(case=st.sampled_from(sorted(NON_TEXT)), text=ANY_TEXT)
def test_non_text_and_half_empty_updates_get_silence_or_a_short_line(case: str, text: str) -> None:
    build, may_store = NON_TEXT[case]

    async def scenario(bot: Bot) -> None:
        await bot.feed(bot_membership("member", old="left"))
        before = bot.dump()
        calls = await bot.feed(build(text))
        sent = sends(calls)
        if case in ANSWERABLE:
            assert len(sent) <= 3  # text addressed to the bot: it may be a fair question
        else:
            assert len(sent) <= 1
            assert all(len(line) <= 200 for line in texts(calls)), texts(calls)
        if not may_store:
            assert bot.dump() == before
        assert len(answered_queries(calls)) <= 1

    run(scenario)


# ---------------------------------------------------------------------------------------------
# 5. A runner in the middle of a flow

_STEP = st.one_of(
    st.tuples(st.just("text"), PLAIN_TEXT),
    st.tuples(st.just("button"), st.integers(0, 12).map(str)),  # the n-th button shown last
    st.tuples(st.just("old button"), st.integers(0, 4).map(str)),  # one from the first question
    st.tuples(st.just("forged"), CALLBACK_DATA),
)


async def _open_settings(bot: Bot, label: str) -> None:
    await bot.say("/settings")
    await bot.harness.press(ANA, label)


async def _mid_checkin(bot: Bot) -> None:
    await bot.harness.start_plan(ANA)
    bot.harness.clock.advance(days=1)
    await bot.say("/checkin")


FLOWS: dict[str, Callable[[Bot], Awaitable[object]]] = {
    "plan: pain": _mid_plan,
    "settings: time": lambda bot: _open_settings(bot, "Check-in time"),
    "settings: zone": lambda bot: _open_settings(bot, "Time zone"),
    "settings: usual running": lambda bot: _open_settings(bot, "Usual running"),
    "forget: confirm": lambda bot: bot.say("/forget"),
    "check-in: pain": _mid_checkin,
}


def _answer_buttons(sent: dict[str, Any]) -> list[str]:
    return [
        b["callback_data"]
        for b in buttons(sent)
        if str(b.get("callback_data", "")).startswith("1:a:")
    ]


def _questions_shown(bot: Bot) -> list[list[str]]:
    return [b for b in map(_answer_buttons, bot.harness.messages_to(ANA)) if b]


@settings(max_examples=60, deadline=None)
@given(flow=st.sampled_from(sorted(FLOWS)), steps=st.lists(_STEP, min_size=1, max_size=6))
def test_random_input_mid_flow_advances_legitimately_or_changes_nothing(
    flow: str, steps: list[tuple[str, str]]
) -> None:
    async def scenario(bot: Bot) -> None:
        await FLOWS[flow](bot)
        assert bot.question()[0] is not None
        first = _questions_shown(bot)[0]
        old = first[0].split(":", 2)[2].partition("-")[0]
        had_episode = bot.count("episodes") > 0
        for kind, value in steps:
            question_kind, token, draft_json = bot.question()
            offered = _json(draft_json).get(CHOICES, [])
            before = bot.dump()
            if kind == "text":
                await bot.say(value)
                legitimate = question_kind in TEXT_STEPS
            else:
                if kind == "button":
                    shown = _questions_shown(bot)
                    data = shown[-1][int(value) % len(shown[-1])] if shown else "1:m:help"
                elif kind == "old button":
                    data = first[int(value) % len(first)]
                else:
                    data = value.replace("{token}", token or "").replace("{old}", old)
                if data == "1:m:plan":
                    continue  # asks to start a plan: a legitimate change, not this property's
                await bot.feed(button_press(data, ANA))
                callback = decode(data)
                legitimate = (
                    callback is not None
                    and callback.action == "answer"
                    and callback.token_and_choice[0] == token
                    and callback.token_and_choice[1] in offered
                )
            if not legitimate:
                assert bot.dump() == before, (kind, value)
            _assert_open_question_consistent(bot, had_episode)

    run(scenario)


def _assert_open_question_consistent(bot: Bot, had_episode: bool) -> None:
    """The open question's buttons are on the latest question message; plans are whole."""
    kind, token, draft_json = bot.question()
    draft = _json(draft_json)
    if kind is None:
        assert token is None
        assert draft == {}
    else:
        assert token is not None
        assert re.fullmatch(r"[0-9a-f]{8}", token)
    if draft.get(CHOICES):
        latest = _questions_shown(bot)[-1]
        assert {d.split(":", 2)[2].partition("-")[0] for d in latest} == {token}
        assert sorted(d.split(":", 2)[2].partition("-")[2] for d in latest) == sorted(
            draft[CHOICES]
        )
    episodes = bot.harness.rows("SELECT id FROM episodes")
    assert len(episodes) <= 1
    if episodes and not had_episode:  # a plan set up just now: whole, and nothing left open
        assert kind is None
        assert bot.harness.rows("SELECT decision FROM checkins") == [("start",)]
    if not episodes:
        assert bot.count("checkins") == 0


# ---------------------------------------------------------------------------------------------
# Regressions: the nastiest single inputs


def test_4096_runners_get_one_sensible_reply() -> None:
    async def scenario(bot: Bot) -> None:
        calls = await bot.say("🏃" * 4096)
        assert len(sends(calls)) == 1
        assert bot.dump()["users"] == []

    run(scenario)


@pytest.mark.parametrize("text", ["\u202e", "\u200f", "\u200d", "\ufeff", "\x00", " \n\t"])
def test_only_an_invisible_character_gets_a_sensible_reply(text: str) -> None:
    async def scenario(bot: Bot) -> None:
        calls = await bot.say(text)
        assert len(sends(calls)) == 1
        assert bot.dump()["users"] == []

    run(scenario)


@pytest.mark.parametrize("payload", ["A" * 64, "A" * 65, "plan" + "A" * 60, "club" + "9" * 60])
def test_start_with_a_long_payload_is_the_plain_welcome(payload: str) -> None:
    async def scenario(bot: Bot) -> None:
        [welcome] = texts(await bot.say("/start " + payload))
        [plain] = texts(await bot.say("/start", OTHER))
        assert welcome == plain
        assert bot.harness.rows("SELECT question_kind FROM users") == []

    run(scenario)


@pytest.mark.parametrize(
    "data",
    [
        "1:t:" + "a" * 60,  # 64 bytes
        "1:t:" + "a" * 61,  # 65 bytes
        "1:t:" + "é" * 30,  # 64 bytes, 34 characters
        "1:a:{token}-" + "1" * 51,  # 64 bytes with the real token
        "1:a:{token}-" + "1" * 52,  # 65 bytes
    ],
)
def test_callback_data_at_and_over_64_bytes_is_stale(data: str) -> None:
    async def scenario(bot: Bot) -> None:
        _, token = await _mid_plan(bot)
        pressed = data.replace("{token}", token)
        assert len(pressed.encode()) in (64, 65)
        before = bot.dump()
        calls = await bot.feed(button_press(pressed, ANA))
        [answered] = answered_queries(calls)
        assert answered.get("text")  # "out of date" / "moved on"
        assert sends(calls) == []
        assert bot.dump() == before

    run(scenario)


def test_a_stale_button_from_an_unknown_chat_stores_nothing() -> None:
    async def scenario(bot: Bot) -> None:
        calls = await bot.feed(button_press("1:a:abcd1234-yes", STRANGER))
        [answered] = answered_queries(calls)
        assert "moved on" in answered["text"]
        assert bot.dump()["users"] == []

    run(scenario)


def test_a_second_tap_on_forget_yes_stores_nothing() -> None:
    async def scenario(bot: Bot) -> None:
        await bot.say("/forget")
        await bot.harness.press(ANA, "Yes, delete everything")
        assert bot.dump()["users"] == []
        calls = await bot.feed(button_press(_questions_shown(bot)[-1][0], ANA))
        [answered] = answered_queries(calls)
        assert "moved on" in answered["text"]
        assert bot.dump()["users"] == []

    run(scenario)
