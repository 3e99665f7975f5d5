"""End to end in a private chat: the real Application, handlers and error handler,
with only Telegram's network replaced by the in-process fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram.ext import Application

from bot.app import build_application, shut_down, start_up
from bot.callback_data import MAX_BYTES
from bot.fake_bot_api import FakeBotApi
from bot.knowledge import KnowledgeBase
from bot.matcher import Matcher
from tests.telegram_fakes import TOKEN, button_press, edited, feed, message

Bot = tuple[Application, FakeBotApi]  # type: ignore[type-arg]


@pytest.fixture
async def bot(kb: KnowledgeBase, matcher: Matcher) -> AsyncIterator[Bot]:
    api = FakeBotApi()
    app = build_application(
        TOKEN, kb, request=api, get_updates_request=FakeBotApi(), matcher=matcher
    )
    await start_up(app)
    try:
        yield app, api
    finally:
        await shut_down(app)


def _buttons(params: dict) -> list[dict]:  # type: ignore[type-arg]
    markup = params.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


async def test_start_up_registers_commands_for_private_and_group_chats(bot: Bot) -> None:
    _, api = bot
    scopes = [call["scope"]["type"] for call in api.sent("setMyCommands")]
    assert scopes == ["all_private_chats", "all_group_chats"]
    assert api.calls[0].method == "getMe"


async def test_start_welcomes_with_disclaimer_and_three_buttons(bot: Bot) -> None:
    app, api = bot
    await feed(app, message("/start"))
    [sent] = api.sent()
    assert sent["chat_id"] == 501
    assert sent["parse_mode"] == "HTML"
    assert "not medical advice" in sent["text"]
    labels = [b["text"] for b in _buttons(sent)]
    assert labels == ["Ask a question", "See topics", "Start a recovery plan"]


async def test_plan_button_starts_a_plan(bot: Bot) -> None:
    app, api = bot
    await feed(app, message("/start"))
    plan = _buttons(api.sent()[0])[2]["callback_data"]
    await feed(app, button_press(plan))
    assert api.sent("answerCallbackQuery")[0].get("text") is None
    assert "When did this bout of back pain begin?" in api.sent()[-1]["text"]


@pytest.mark.parametrize(("command", "expected"), [("/help", "/topics"), ("/about", "2017")])
async def test_help_and_about(bot: Bot, command: str, expected: str) -> None:
    app, api = bot
    await feed(app, message(command))
    assert expected in api.sent()[0]["text"]


async def test_topics_lists_every_topic_and_a_button_answers_it(
    bot: Bot, kb: KnowledgeBase
) -> None:
    app, api = bot
    await feed(app, message("/topics"))
    buttons = _buttons(api.sent()[0])
    assert len(buttons) == len([t for t in kb.topics.values() if t.kind != "smalltalk"])
    assert all(len(b["callback_data"].encode()) <= MAX_BYTES for b in buttons)
    heat = next(b for b in buttons if b["text"] == kb.topic("heat-and-ice").title)
    await feed(app, button_press(heat["callback_data"]))
    assert len(api.sent("answerCallbackQuery")) == 1
    answer = api.sent()[-1]
    assert answer["text"].startswith(f"<b>{kb.topic('heat-and-ice').title}</b>")
    assert "Source:" in answer["text"]


async def test_question_gets_answer_source_and_related_buttons(bot: Bot) -> None:
    app, api = bot
    await feed(app, message("can I take tylenol for my back?"))
    [sent] = api.sent()
    assert "Paracetamol" in sent["text"]
    assert "Source: ACP 2017 guideline" in sent["text"]
    assert 1 <= len(_buttons(sent)) <= 2


async def test_red_flag_comes_first_whatever_else_is_asked(bot: Bot) -> None:
    app, api = bot
    await feed(
        app, message("can I still do my long run sunday? also I've had a fever since tuesday")
    )
    [sent] = api.sent()
    assert sent["text"].startswith("<b>⚠️ See a doctor within a day or two</b>")
    assert "running-with-pain" not in sent["text"]


async def test_unclear_question_gets_did_you_mean_buttons(bot: Bot, kb: KnowledgeBase) -> None:
    app, api = bot
    await feed(app, message("my back"))
    [sent] = api.sent()
    assert "Did you mean" in sent["text"]
    buttons = _buttons(sent)
    assert 1 <= len(buttons) <= 3
    await feed(app, button_press(buttons[0]["callback_data"]))
    assert api.sent()[-1]["text"].startswith("<b>")  # the chosen topic's answer


async def test_out_of_scope_gets_what_runback_covers(bot: Bot) -> None:
    app, api = bot
    await feed(app, message("what shoes should I buy for my marathon?"))
    [sent] = api.sent()
    assert "/topics" in sent["text"]
    assert _buttons(sent) == []


@pytest.mark.parametrize(
    "extra",
    [
        {"photo": [{"file_id": "p", "file_unique_id": "p1", "width": 1, "height": 1}]},
        {
            "sticker": {
                "file_id": "s",
                "file_unique_id": "s1",
                "width": 1,
                "height": 1,
                "is_animated": False,
                "is_video": False,
                "type": "regular",
            }
        },
        {"voice": {"file_id": "v", "file_unique_id": "v1", "duration": 2}},
        {"location": {"latitude": 51.5, "longitude": -0.1}},
        {"document": {"file_id": "d", "file_unique_id": "d1"}},
    ],
)
async def test_non_text_gets_a_friendly_line(bot: Bot, extra: dict) -> None:  # type: ignore[type-arg]
    app, api = bot
    await feed(app, message(None, **extra))
    [sent] = api.sent()
    assert "only read text" in sent["text"]


async def test_edited_messages_are_ignored(bot: Bot) -> None:
    app, api = bot
    await feed(app, edited("heat or ice?"))
    await feed(app, edited("/help"))
    assert api.sent() == []


@pytest.mark.parametrize("data", ["1:t:no-such-topic", "9:t:heat-and-ice", "junk", "", "1:m:evil"])
async def test_stale_or_forged_buttons_get_a_notice_not_a_crash(bot: Bot, data: str) -> None:
    app, api = bot
    await feed(app, button_press(data))
    [answered] = api.sent("answerCallbackQuery")
    assert "out of date" in answered["text"]
    assert api.sent() == []


async def test_unknown_command(bot: Bot) -> None:
    app, api = bot
    await feed(app, message("/dance"))
    assert "/help" in api.sent()[0]["text"]


async def test_dynamic_text_is_escaped(bot: Bot) -> None:
    app, api = bot
    await feed(app, message("<b>heat</b> or <i>ice</i> & stuff?"))
    text = api.sent()[0]["text"]
    assert "<i>ice</i>" not in text  # the user's markup is never echoed as HTML


async def test_a_failing_handler_gets_an_apology_not_a_trace(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    app, api = bot
    api.fail_next("sendMessage", 400, "Bad Request: can't parse entities")
    await feed(app, message("heat or ice? my sciatica is awful"))
    [failed, apology] = api.sent()
    assert "Heat" in failed["text"]
    assert apology["text"].startswith("Sorry, something went wrong")
    assert "Traceback" not in apology["text"]
    [logged] = [r for r in caplog.records if r.name == "bot.handlers.errors"]
    assert "(message, private chat)" in logged.getMessage()
    assert "sciatica" not in caplog.text  # what the runner wrote is health data: not logged
