"""Running clubs end to end: real group updates through the real Application and SQLite."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.deep_links import PERSONAL_FLOWS
from bot.handlers.personal import PERSONAL_COMMANDS
from bot.knowledge import KnowledgeBase
from bot.matcher import Matcher
from tests.episode_driver import Clock, Harness, buttons
from tests.telegram_fakes import (
    CLUB,
    bot_membership,
    bot_message,
    feed,
    group_button_press,
    group_chat,
    group_message,
    message,
)

START = dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC)
ADMIN, MEMBER = 601, 602
DEEP_LINK = "https://t.me/RunBackBot?start="


@pytest.fixture
async def club(kb: KnowledgeBase, matcher: Matcher, tmp_path: Path) -> AsyncIterator[Harness]:
    harness = Harness(kb, matcher, tmp_path / "runback.sqlite3", Clock(START), "Europe/London")
    harness.api.member_status[(CLUB, ADMIN)] = "administrator"
    await harness.start()
    try:
        await feed(harness.app, bot_membership("member", old="left"))  # type: ignore[arg-type]
        yield harness
    finally:
        await harness.stop()


async def _group(club: Harness, text: str, user_id: int = MEMBER, **extra: Any) -> dict[str, Any]:
    update = group_message(text, user_id, **extra)
    await feed(club.app, update)  # type: ignore[arg-type]
    return update["message"]  # type: ignore[no-any-return]


def _to_club(club: Harness) -> list[dict[str, Any]]:
    return club.messages_to(CLUB)


async def test_a_mention_is_answered_as_a_reply_with_source_and_private_link(
    club: Harness,
) -> None:
    asked = await _group(club, "@RunBackBot is ibuprofen ok for my back?")
    [answer] = _to_club(club)
    assert answer["reply_parameters"]["message_id"] == asked["message_id"]
    assert answer["reply_parameters"]["allow_sending_without_reply"] is True
    assert "Source:" in answer["text"]
    [link] = buttons(answer)
    assert link["text"] == "Track your recovery privately"
    assert link["url"] == f"{DEEP_LINK}club{CLUB}"


async def test_replies_to_the_bot_and_ask_commands_are_answered(club: Harness) -> None:
    await _group(club, "thanks! and heat or ice?", reply_to=bot_message(7))
    await _group(club, "/ask should I see a physio or a chiropractor")
    await _group(club, "/ask@RunBackBot can I still do my long run sunday")
    await _group(club, "/ask")
    texts = [m["text"] for m in _to_club(club)]
    assert len(texts) == 4
    assert all("Source:" in t for t in texts[:3])
    assert "/ask can I run with a sore back?" in texts[3]


async def test_everything_else_in_the_group_is_left_alone(club: Harness) -> None:
    await _group(club, "great run this morning everyone, my back feels fine")
    await _group(club, "@SomeOtherBot what's the weather")
    await _group(
        club,
        "is tylenol ok?",
        reply_to={**bot_message(8), "from": {"id": 5, "is_bot": False, "first_name": "Bo"}},
    )
    assert _to_club(club) == []


async def test_a_red_flag_in_the_group_gets_the_urgent_answer_there(club: Harness) -> None:
    asked = await _group(club, "@RunBackBot my back hurts and I can't feel it when I wipe")
    [answer] = _to_club(club)
    assert answer["reply_parameters"]["message_id"] == asked["message_id"]
    assert "emergency" in answer["text"].lower()
    assert [b["text"] for b in buttons(answer)] == ["Talk to RunBack privately"]


async def test_did_you_mean_works_for_whoever_taps_and_answers_the_question(
    club: Harness,
) -> None:
    asked = await _group(club, "/ask back")
    [clarify] = _to_club(club)
    choice = next(b for b in buttons(clarify) if "callback_data" in b)
    press = group_button_press(choice["callback_data"], ADMIN, 900, asked)
    await feed(club.app, press)  # type: ignore[arg-type]
    answer = _to_club(club)[-1]
    assert answer["reply_parameters"]["message_id"] == asked["message_id"]
    assert choice["text"] in answer["text"]


async def test_the_same_question_within_ten_minutes_points_to_the_earlier_answer(
    club: Harness,
) -> None:
    await _group(club, "/ask is ibuprofen ok for back pain")
    await _group(club, "/ask ibuprofen for my back, ok?", user_id=603)
    assert "answered that a few minutes ago" in _to_club(club)[-1]["text"]
    club.clock.advance(minutes=11)
    await _group(club, "/ask ibuprofen for my back, ok?", user_id=603)
    assert "Source:" in _to_club(club)[-1]["text"]
    await _group(club, "/ask I have a fever and back pain")
    await _group(club, "/ask I have a fever and back pain")  # warning signs: always answered
    assert all("emergency" in m["text"].lower() or "doctor" in m["text"].lower()
               for m in _to_club(club)[-2:])  # fmt: skip


PERSONAL = PERSONAL_FLOWS


def test_every_personal_flow_has_its_private_command() -> None:
    assert set(PERSONAL_COMMANDS) == set(PERSONAL_FLOWS)


async def test_personal_commands_in_a_group_link_to_the_same_flow_in_private(
    club: Harness,
) -> None:
    for command in PERSONAL:
        await _group(club, f"/{command}")
        link = buttons(_to_club(club)[-1])[0]["url"]
        assert link == f"{DEEP_LINK}{command}"
    assert club.rows("SELECT count(*) FROM users") == [(0,)]  # nothing personal was stored
    first_reply = {}
    for command in PERSONAL:
        before = len(club.api.calls)
        await club.say(MEMBER, f"/start {command}")
        sent = [c for c in club.api.calls[before:] if c.method.startswith("send")]
        first_reply[command] = sent[0].params.get("text") or sent[0].method
    assert "When did this bout of back pain begin?" in first_reply["plan"]
    assert "Your settings" in first_reply["settings"]
    assert first_reply["export"] == "sendDocument"
    assert "Delete it all?" in first_reply["forget"]
    for command in ("checkin", "progress", "pause", "resume", "stop"):
        assert "Send /plan to start one" in first_reply[command]


@pytest.mark.parametrize("payload", ["evil", "club", "plan;drop", "x" * 80, "club12ab"])
async def test_unknown_or_forged_payloads_get_the_plain_welcome(
    club: Harness, payload: str
) -> None:
    await club.say(MEMBER, f"/start {payload}")
    [welcome] = club.messages_to(MEMBER)
    assert "Hi, I'm RunBack" in welcome["text"]


async def test_no_group_message_ever_shows_a_members_health_data(club: Harness) -> None:
    await club.start_plan(MEMBER, pain=6, volume="40 km")
    for pain in (5, 4, 3, 2, 2):
        club.clock.advance(days=1)
        await club.say(MEMBER, "/checkin")
        await club.press(MEMBER, str(pain))
        await club.press(MEMBER, "Done, felt fine")
        if "have you had any of these" in club.last_to(MEMBER)["text"]:
            await club.press(MEMBER, "No")
    assert club.rows("SELECT count(*) FROM checkins") == [(6,)]  # the history exists...
    for command in (*PERSONAL, "ask how is my back doing", "clubstats", "clubtips on"):
        await _group(club, f"/{command}")
    await _group(club, "@RunBackBot what stage am I at? how's my pain?")
    await _group(club, "what's my plan today?", reply_to=bot_message(9))
    said_in_group = [m.get("text", "") + m.get("caption", "") for m in club.api.sent()
                     if m["chat_id"] == CLUB]  # fmt: skip
    assert len(said_in_group) == len(PERSONAL) + 5
    stage_names = [stage.name for stage in club.kb.ladder.stages]
    for text in said_in_group:
        assert not re.search(r"\b\d{1,2}/10\b", text)
        assert "40 km" not in text
        assert "Today's plan" not in text
        assert not any(f"stage {n} of" in text for n in range(1, 8))
        assert not any(name in text for name in stage_names if name not in {"Walking"})
    assert club.api.sent("sendPhoto") == []
    assert club.api.sent("sendDocument") == []


async def test_only_admins_turn_on_daily_tips(club: Harness) -> None:
    await _group(club, "/clubtips on 07:30 Europe/London", user_id=MEMBER)
    assert "only the group's admins" in _to_club(club)[-1]["text"]
    await _group(club, "/clubtips on 25:00 Europe/London", user_id=ADMIN)
    assert "didn't understand the time" in _to_club(club)[-1]["text"]
    await _group(club, "/clubtips on 07:30 Europe/Londn", user_id=ADMIN)
    assert "Europe/London" in _to_club(club)[-1]["text"]  # suggested
    assert club.rows("SELECT tips_time FROM clubs") == [(None,)]
    await _group(club, "/clubtips on 07:30 Europe/London", user_id=ADMIN)
    assert club.rows("SELECT tips_time, tips_timezone, next_tip_utc FROM clubs") == [
        ("07:30", "Europe/London", "2026-05-05T06:30:00")
    ]
    members = [c for c in club.api.calls if c.method == "getChatMember"]
    assert len(members) == 2  # the admin's answer was cached


async def test_an_anonymous_admin_posting_as_the_group_is_an_admin(club: Harness) -> None:
    await _group(club, "/clubtips off", user_id=1087968824, sender_chat=group_chat())
    assert "no more daily tips" in _to_club(club)[-1]["text"]


async def _run_jobs(club: Harness) -> None:
    app = club.app
    assert app is not None
    assert app.job_queue is not None
    for job in app.job_queue.jobs():
        await job.run(app)


async def test_daily_tips_rotate_once_a_day_and_survive_a_restart(club: Harness) -> None:
    await _group(club, "/clubtips on 07:30 Europe/London", user_id=ADMIN)
    posted: list[str] = []
    for day in range(6):
        if day == 3:
            await club.restart()
        for hour in range(0, 24, 2):  # every two hours through the day
            club.clock.now = dt.datetime(2026, 5, 5 + day, hour, 5, tzinfo=dt.UTC)
            await _run_jobs(club)
        posted = [m["text"] for m in _to_club(club) if "Club tip" in m["text"]]
        assert len(posted) == day + 1
    assert len(set(posted)) == 6  # no repeats
    assert club.rows("SELECT count(*) FROM club_tips_sent") == [(6,)]
    await _group(club, "/clubtips off", user_id=ADMIN)
    club.clock.advance(days=1)
    await _run_jobs(club)
    assert len([m for m in _to_club(club) if "Club tip" in m["text"]]) == 6


async def _opt_in(club: Harness, runner: int, pain: int) -> None:
    await club.say(runner, f"/start club{CLUB}")
    await club.press(runner, "Yes, count me in")
    await club.start_plan(runner, pain=pain, volume="skip")


async def test_club_stats_need_five_members_and_show_only_totals(club: Harness) -> None:
    for runner, pain in zip(range(701, 705), (2, 5, 8, 1), strict=True):
        await _opt_in(club, runner, pain)
    await _group(club, "/clubstats", user_id=ADMIN)
    assert "Not enough yet" in _to_club(club)[-1]["text"]
    await _opt_in(club, 705, 3)
    await club.say(706, f"/start club{CLUB}")
    await club.press(706, "No thanks")
    await _group(club, "/clubstats", user_id=MEMBER)
    assert "only the group's admins" in _to_club(club)[-1]["text"]
    await _group(club, "/clubstats", user_id=ADMIN)
    text = _to_club(club)[-1]["text"]
    assert "5 members who chose to be counted" in text
    assert "With an active recovery plan: 5" in text
    assert "Back to running: 0" in text
    await club.say(701, "/clubs")
    await club.press(701, "Stop: Riverside Harriers")
    assert club.rows("SELECT count(*) FROM club_members") == [(4,)]


async def test_removed_from_the_group_drops_its_settings_and_posts_nothing(
    club: Harness,
) -> None:
    await _group(club, "/clubtips on 07:30 Europe/London", user_id=ADMIN)
    await feed(club.app, bot_membership("left"))  # type: ignore[arg-type]
    assert club.rows("SELECT count(*) FROM clubs") == [(0,)]
    club.clock.now = dt.datetime(2026, 5, 5, 6, 31, tzinfo=dt.UTC)
    await _run_jobs(club)
    assert not any("Club tip" in m["text"] for m in _to_club(club))


async def test_a_group_migrated_to_a_supergroup_keeps_its_settings(club: Harness) -> None:
    await _group(club, "/clubtips on 07:30 Europe/London", user_id=ADMIN)
    new_id = -1009999999999
    migrated = {
        "update_id": 99_001,
        "message": {
            "message_id": 5_000,
            "date": int(time.time()),
            "chat": group_chat(),
            "from": {"id": ADMIN, "is_bot": False, "first_name": "Admin"},
            "migrate_to_chat_id": new_id,
        },
    }
    await feed(club.app, migrated)  # type: ignore[arg-type]
    assert club.rows("SELECT chat_id, tips_time FROM clubs") == [(new_id, "07:30")]
    club.clock.now = dt.datetime(2026, 5, 5, 6, 31, tzinfo=dt.UTC)
    await _run_jobs(club)
    assert any("Club tip" in m["text"] for m in club.messages_to(new_id))


async def test_private_questions_still_work_beside_groups(club: Harness) -> None:
    await feed(club.app, message("heat or ice?", MEMBER))  # type: ignore[arg-type]
    assert "Source:" in club.last_to(MEMBER)["text"]
