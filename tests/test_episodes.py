"""Recovery plans end to end: the real Application, a real SQLite file, a fake clock."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import stat

from telegram.error import TimedOut

from bot.storage import SCHEMA_VERSION
from tests.episode_driver import PROMPT, Harness, buttons
from tests.telegram_fakes import button_press, feed, my_chat_member

ANA = 501


def _episode(bot: Harness, chat_id: int = ANA) -> tuple[str, int, int]:
    [row] = bot.rows(
        "SELECT status, stage, red_flag_open FROM episodes WHERE chat_id = ? ORDER BY id DESC"
        " LIMIT 1",
        chat_id,
    )
    return row


async def test_database_is_owner_only_and_versioned(bot: Harness) -> None:
    await bot.start_plan(ANA)
    for suffix in ("", "-wal"):
        mode = stat.S_IMODE(bot.database.with_name(bot.database.name + suffix).stat().st_mode)
        assert mode == 0o600
    assert bot.rows("PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert bot.rows("PRAGMA journal_mode") == [("wal",)]


async def test_plan_set_up_starts_at_the_stage_the_pain_allows(bot: Harness) -> None:
    await bot.start_plan(ANA, onset="1–4 weeks ago", pain=5, volume="30 km")
    text = bot.last_to(ANA)["text"]
    assert "acute" in text
    assert "stage 2 of 7: Walking" in text
    assert "not medical advice" in text
    assert _episode(bot) == ("active", 1, 0)
    assert bot.rows("SELECT usual_amount, usual_unit, next_due_utc FROM users") == [
        (30.0, "km", "2026-05-05T07:00:00")  # 08:00 tomorrow in London (BST)
    ]
    assert bot.rows("SELECT pain, decision FROM checkins") == [(5, "start")]


async def test_chronic_pain_offers_relief_and_which_doctor(bot: Harness) -> None:
    await bot.start_plan(ANA, onset="Over 3 months ago", pain=8, volume="skip")
    sent = bot.last_to(ANA)
    assert "chronic" in sent["text"]
    assert "Gentle movement" in sent["text"]
    assert [b["callback_data"] for b in buttons(sent)] == [
        "1:t:chronic-relief",
        "1:t:which-doctor",
    ]


async def test_unclear_volume_is_asked_again_then_skippable(bot: Harness) -> None:
    await bot.say(ANA, "/plan")
    await bot.press(ANA, "Today")
    await bot.press(ANA, "3")
    await bot.say(ANA, "a fair bit")
    assert "didn't catch that" in bot.last_to(ANA)["text"]
    await bot.say(ANA, "-5 km")
    assert "didn't catch that" in bot.last_to(ANA)["text"]
    await bot.press(ANA, "Skip")
    assert "have you had any of these" in bot.last_to(ANA)["text"]
    assert bot.rows("SELECT count(*) FROM episodes") == [(0,)]


async def test_red_flag_at_set_up_holds_the_plan_until_a_clinician_has_seen_them(
    bot: Harness,
) -> None:
    await bot.say(ANA, "/plan")
    await bot.press(ANA, "Today")
    await bot.press(ANA, "4")
    await bot.press(ANA, "Skip")
    await bot.press(ANA, "Yes")
    assert "get checked by a doctor" in bot.last_to(ANA)["text"]
    assert _episode(bot) == ("active", 1, 1)
    assert bot.rows("SELECT next_due_utc FROM users") == [(None,)]
    bot.clock.advance(days=1)
    await bot.say(ANA, "/checkin")
    assert "on hold" in bot.last_to(ANA)["text"]
    await bot.say(ANA, "/resume")
    await bot.press(ANA, "Not yet")
    assert _episode(bot)[2] == 1
    await bot.say(ANA, "/resume")
    await bot.press(ANA, "Yes, I've been checked")
    assert _episode(bot)[2] == 0
    assert bot.rows("SELECT next_due_utc IS NOT NULL FROM users") == [(1,)]
    kinds = [k for (k,) in bot.rows("SELECT kind FROM events ORDER BY id")]
    assert kinds == ["plan-started", "red-flag", "clinician-confirmed"]


async def _morning(
    bot: Harness, chat_id: int, pain: int, outcome: str = "Done, felt fine"
) -> None:
    await bot.press(chat_id, str(pain))
    await bot.press(chat_id, outcome)
    if "have you had any of these" in bot.last_to(chat_id)["text"]:
        await bot.press(chat_id, "No")


async def test_morning_prompt_then_good_days_advance_one_stage(bot: Harness) -> None:
    await bot.start_plan(ANA, pain=5)
    bot.clock.now = dt.datetime(2026, 5, 5, 7, 0, 30, tzinfo=dt.UTC)
    await bot.run_checkin_job()
    assert PROMPT in bot.last_to(ANA)["text"]
    await _morning(bot, ANA, 2)
    assert "holding" in bot.last_to(ANA)["text"].lower() or "Walking" in bot.last_to(ANA)["text"]
    bot.clock.advance(days=1)
    await bot.run_checkin_job()
    await _morning(bot, ANA, 1)
    assert _episode(bot)[1] == 2
    assert "Brisk" in bot.last_to(ANA)["text"]
    decisions = bot.rows("SELECT decision, stage_before, stage_after FROM checkins")
    assert decisions[-1] == ("advance", 1, 2)


async def test_pain_six_or_a_worse_back_steps_back(bot: Harness) -> None:
    await bot.start_plan(ANA, pain=2)  # starts at brisk walking
    bot.clock.advance(days=1)
    await bot.say(ANA, "/checkin")
    await _morning(bot, ANA, 3, "Done, back felt worse")
    assert _episode(bot)[1] == 1
    assert "worse" in bot.last_to(ANA)["text"]


async def test_second_check_in_the_same_day_replaces_the_first(bot: Harness) -> None:
    await bot.start_plan(ANA, pain=2)
    bot.clock.advance(days=1)
    await bot.say(ANA, "/checkin")
    await _morning(bot, ANA, 7)
    assert _episode(bot)[1] == 1  # stepped back
    bot.clock.advance(hours=3)
    await bot.say(ANA, "/checkin")
    await _morning(bot, ANA, 4)
    rows = bot.rows("SELECT local_date, pain, stage_before, stage_after FROM checkins")
    assert rows[-1] == ("2026-05-05", 4, 2, 2)  # re-decided from the morning's stage: hold
    assert len(rows) == 2
    assert _episode(bot)[1] == 2


async def test_old_and_foreign_buttons_change_nothing(bot: Harness) -> None:
    await bot.start_plan(ANA, pain=5)
    bot.clock.advance(days=1)
    await bot.say(ANA, "/checkin")
    await _morning(bot, ANA, 2)
    before = bot.rows("SELECT * FROM checkins")
    await bot.press(ANA, "9")  # the pain buttons of the answered question
    assert bot.notices()[-1] == "That question has moved on, so I didn't change anything."
    assert bot.rows("SELECT * FROM checkins") == before


async def test_a_gap_of_a_week_resumes_one_stage_lower(bot: Harness) -> None:
    await bot.start_plan(ANA, pain=2)
    bot.clock.advance(days=8)
    await bot.say(ANA, "/checkin")
    await _morning(bot, ANA, 1)
    assert _episode(bot)[1] == 1
    assert "since your last check-in" in bot.last_to(ANA)["text"]


async def test_three_unanswered_prompts_pause_until_any_message(bot: Harness) -> None:
    await bot.start_plan(ANA, pain=5)
    bot.clock.now = dt.datetime(2026, 5, 5, 7, 1, tzinfo=dt.UTC)
    for _ in range(4):
        await bot.run_checkin_job()
        bot.clock.advance(days=1)
    texts = [m["text"] for m in bot.messages_to(ANA)[-4:]]
    assert [PROMPT in t for t in texts] == [True, True, True, False]
    assert "stop asking for now" in texts[-1]
    before = len(bot.messages_to(ANA))
    await bot.run_checkin_job()
    assert len(bot.messages_to(ANA)) == before  # paused: nothing more is sent
    assert bot.rows("SELECT paused FROM users") == [("unanswered",)]
    await bot.say(ANA, "hello")
    assert bot.rows("SELECT paused FROM users") == [(None,)]
    assert any("Welcome back" in m["text"] for m in bot.messages_to(ANA)[-2:])


async def test_blocked_user_is_marked_inactive_and_network_errors_retry(bot: Harness) -> None:
    await bot.start_plan(ANA, pain=5)
    bot.clock.now = dt.datetime(2026, 5, 5, 7, 1, tzinfo=dt.UTC)
    bot.api.fail_next_with("sendMessage", TimedOut())
    await bot.run_checkin_job()
    assert bot.rows("SELECT next_due_utc, last_prompt_date FROM users") == [
        ("2026-05-05T07:06:00", None)  # back on the schedule five minutes later
    ]
    bot.clock.advance(minutes=5)
    bot.api.fail_next("sendMessage", 429, "Too Many Requests: retry after 30", retry_after=30)
    await bot.run_checkin_job()
    await bot.run_checkin_job()  # released with a 30 s wait: not yet
    bot.clock.advance(seconds=31)
    await bot.run_checkin_job()
    attempts = [m for m in bot.messages_to(ANA) if PROMPT in m["text"]]
    assert len(attempts) == 3
    assert len([m for m in bot.api.delivered() if PROMPT in m["text"]]) == 1
    bot.clock.advance(days=1)
    bot.api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    await bot.run_checkin_job()
    assert bot.rows("SELECT active, next_due_utc FROM users") == [(0, None)]


async def test_export_and_forget(bot: Harness) -> None:
    await bot.start_plan(ANA, pain=5)
    bot.clock.advance(days=1)
    await bot.say(ANA, "/checkin")
    await _morning(bot, ANA, 3)
    await bot.say(ANA, "/export")
    [document] = bot.api.sent("sendDocument")
    exported = json.loads(next(iter(document["_files"].values())))
    assert exported["user"]["chat_id"] == ANA
    assert [c["pain"] for c in exported["checkins"]] == [5, 3]
    await bot.say(ANA, "/forget")
    await bot.press(ANA, "Yes, delete everything")
    assert "deleted" in bot.last_to(ANA)["text"]
    for table in ("users", "episodes", "checkins", "events"):
        assert bot.rows(f"SELECT count(*) FROM {table}") == [(0,)]  # noqa: S608


async def test_progress_sends_a_chart_and_a_summary(bot: Harness) -> None:
    await bot.start_plan(ANA, pain=6)
    for pain in (5, 4, 3):
        bot.clock.advance(days=1)
        await bot.say(ANA, "/checkin")
        await _morning(bot, ANA, pain)
    await bot.say(ANA, "/progress")
    [photo] = bot.api.sent("sendPhoto")
    assert next(iter(photo["_files"].values())).startswith(b"\x89PNG")
    assert "check-in" in photo["caption"]


async def test_settings_change_time_and_time_zone(bot: Harness) -> None:
    await bot.start_plan(ANA, pain=5)
    await bot.say(ANA, "/settings")
    await bot.press(ANA, "Check-in time")
    await bot.say(ANA, "25:99")
    assert "didn't get that time" in bot.last_to(ANA)["text"]
    await bot.say(ANA, "6:45")
    await bot.say(ANA, "/settings")
    await bot.press(ANA, "Time zone")
    await bot.say(ANA, "Australia/Sydny")
    await bot.press(ANA, "Australia/Sydney")
    assert "Australia/Sydney" in bot.last_to(ANA)["text"]
    assert bot.rows("SELECT timezone, checkin_time, next_due_utc FROM users") == [
        ("Australia/Sydney", "06:45", "2026-05-04T20:45:00")  # 06:45 on the 5th in Sydney
    ]


async def test_pause_resume_and_stop(bot: Harness) -> None:
    await bot.start_plan(ANA, pain=5)
    await bot.say(ANA, "/pause")
    assert bot.rows("SELECT paused, next_due_utc FROM users") == [("by-user", None)]
    await bot.say(ANA, "/resume")
    assert bot.rows("SELECT paused, next_due_utc IS NOT NULL FROM users") == [(None, 1)]
    await bot.say(ANA, "/stop")
    assert _episode(bot)[0] == "resolved"
    await bot.say(ANA, "/checkin")
    assert "/plan" in bot.last_to(ANA)["text"]


async def test_a_steady_recovery_climbs_the_ladder_and_resolves(bot: Harness) -> None:
    await bot.start_plan(ANA, pain=1, volume="30 km")
    stages = []
    for _ in range(40):
        bot.clock.advance(days=1)
        await bot.say(ANA, "/checkin")
        if "/plan" in bot.last_to(ANA)["text"]:
            break  # no plan any more: resolved
        await _morning(bot, ANA, 0)
        stages.append(_episode(bot)[1])
    assert stages == sorted(stages)  # only ever up, one stage at a time
    assert all(b - a <= 1 for a, b in itertools.pairwise(stages))
    texts = [m["text"] for m in bot.messages_to(ANA)]
    assert any("About 10 km this week" in t for t in texts)  # one-third of the usual 30
    assert "Congratulations" in texts[-2]
    assert _episode(bot)[0] == "resolved"
    assert bot.rows("SELECT next_due_utc FROM users") == [(None,)]


async def test_a_warning_sign_typed_in_chat_puts_the_plan_on_hold(bot: Harness) -> None:
    await bot.start_plan(ANA, pain=5)
    await bot.say(ANA, "can I still run? also I've got a fever and the chills")
    texts = [m["text"] for m in bot.messages_to(ANA)[-2:]]
    assert "doctor" in texts[0].lower()
    assert "on hold" in texts[1]
    assert _episode(bot)[2] == 1
    assert bot.rows("SELECT next_due_utc FROM users") == [(None,)]


async def test_asking_a_question_stores_nothing(bot: Harness) -> None:
    await bot.say(ANA, "tylenol or advil??")
    assert "Source:" in bot.last_to(ANA)["text"]
    assert bot.rows("SELECT count(*) FROM users") == [(0,)]


async def test_any_message_resumes_check_ins_paused_for_silence(bot: Harness) -> None:
    await bot.start_plan(ANA, pain=5)
    bot.clock.now = dt.datetime(2026, 5, 5, 7, 1, tzinfo=dt.UTC)
    for _ in range(4):
        await bot.run_checkin_job()
        bot.clock.advance(days=1)
    await bot.say(ANA, "/progress")
    assert bot.rows("SELECT paused, next_due_utc IS NOT NULL FROM users") == [(None, 1)]


async def test_a_forged_choice_on_the_current_question_changes_nothing(bot: Harness) -> None:
    await bot.start_plan(ANA, pain=5)
    bot.clock.now = dt.datetime(2026, 5, 5, 7, 1, tzinfo=dt.UTC)
    await bot.run_checkin_job()
    real = buttons(bot.last_to(ANA))[0]["callback_data"]  # "1:a:<token>-0"
    forged = real.rsplit("-", 1)[0] + "-11"
    before = bot.rows("SELECT question_kind, question_token FROM users")
    await feed(bot.app, button_press(forged, ANA))  # type: ignore[arg-type]
    assert bot.notices()[-1] == "That question has moved on, so I didn't change anything."
    assert bot.rows("SELECT question_kind, question_token FROM users") == before
    await bot.press(ANA, "10")
    assert "How did yesterday's plan go?" in bot.last_to(ANA)["text"]


async def test_blocking_the_bot_stops_check_ins_until_the_runner_writes_again(
    bot: Harness,
) -> None:
    await bot.start_plan(ANA, pain=5)
    await feed(bot.app, my_chat_member("kicked"))  # type: ignore[arg-type]
    assert bot.rows("SELECT active, next_due_utc FROM users") == [(0, None)]
    bot.clock.now = dt.datetime(2026, 5, 5, 7, 1, tzinfo=dt.UTC)
    await bot.run_checkin_job()
    assert PROMPT not in bot.last_to(ANA)["text"]
    await feed(bot.app, my_chat_member("member", old="kicked"))  # type: ignore[arg-type]
    await bot.say(ANA, "/start")
    assert bot.rows("SELECT active, next_due_utc FROM users") == [(1, "2026-05-06T07:00:00")]


async def test_a_chat_that_no_longer_exists_gets_no_more_prompts(bot: Harness) -> None:
    await bot.start_plan(ANA, pain=5)
    bot.clock.now = dt.datetime(2026, 5, 5, 7, 1, tzinfo=dt.UTC)
    bot.api.fail_next("sendMessage", 400, "Bad Request: chat not found")
    await bot.run_checkin_job()
    assert bot.rows("SELECT active, next_due_utc FROM users") == [(0, None)]


async def test_a_check_in_before_the_plan_day_gets_todays_plan_not_silence(
    bot: Harness,
) -> None:
    bot.clock.now = dt.datetime(2026, 5, 4, 23, 30, tzinfo=dt.UTC)  # 00:30 on the 5th in London
    await bot.start_plan(ANA, pain=5)
    await bot.say(ANA, "/settings")
    await bot.press(ANA, "Time zone")
    await bot.say(ANA, "Pacific/Honolulu")  # still the 4th there: before the plan's first day
    await bot.say(ANA, "/checkin")
    await bot.press(ANA, "3")
    await _morning_outcome(bot)
    assert "first check-in is tomorrow" in bot.last_to(ANA)["text"]
    assert bot.rows("SELECT count(*), question_kind FROM checkins, users") == [(1, None)]


async def _morning_outcome(bot: Harness) -> None:
    await bot.press(ANA, "Done, felt fine")
    if "have you had any of these" in bot.last_to(ANA)["text"]:
        await bot.press(ANA, "No")
