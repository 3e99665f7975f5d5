"""Pure pieces under the Telegram layer: callback codec, message splitting, settings, logs."""

from __future__ import annotations

import io
import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.callback_data import MAX_BYTES, Callback, decode, encode
from bot.logging_setup import REDACTED, configure_logging
from bot.message_split import MAX_MESSAGE, split_message, utf16_length
from bot.settings import SettingsError, settings_from


@given(st.text(max_size=200))
def test_any_callback_data_decodes_or_is_stale(data: str) -> None:
    decoded = decode(data)
    assert decoded is None or encode(decoded) == data


def test_callback_round_trip_and_size(kb) -> None:  # type: ignore[no-untyped-def]
    for topic_id in kb.topics:
        data = encode(Callback("topic", topic_id))
        assert len(data.encode()) <= MAX_BYTES
        assert decode(data) == Callback("topic", topic_id)
    with pytest.raises(ValueError, match="not allowed"):
        encode(Callback("topic", "Bad Id!"))


@given(st.lists(st.text(min_size=0, max_size=900), max_size=20))
def test_split_respects_the_limit_and_keeps_all_text(paragraphs: list[str]) -> None:
    text = "\n\n".join(paragraphs)
    parts = split_message(text, limit=1000)
    assert all(utf16_length(part) <= 1000 for part in parts)
    assert "".join("".join(parts).split()) == "".join(text.split())


def test_split_prefers_paragraph_boundaries() -> None:
    paragraphs = [f"Paragraph {i}. " + "word " * 300 for i in range(8)]
    parts = split_message("\n\n".join(paragraphs))
    assert len(parts) > 1
    assert all(utf16_length(p) <= MAX_MESSAGE for p in parts)
    assert all(p.startswith("Paragraph") for p in parts)


def test_emoji_count_twice() -> None:
    assert utf16_length("🙂") == 2
    parts = split_message("🙂" * 3000)
    assert all(utf16_length(p) <= MAX_MESSAGE for p in parts)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TELEGRAM_BOT_TOKEN": "nonsense"}, "does not look like a bot token"),
        ({"DEFAULT_TIMEZONE": "Mars/Olympus"}, "IANA time zone"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be one of"),
        ({"TELEGRAM_API_BASE_URL": "ftp://x"}, "http(s)://"),
        ({"WEBHOOK_URL": "https://bot.example.org/hook"}, "WEBHOOK_SECRET"),
        ({"WEBHOOK_PORT": "http"}, "WEBHOOK_PORT"),
    ],
)
def test_bad_settings_give_one_clear_line(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        settings_from(env)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_defaults() -> None:
    settings = settings_from({})
    assert settings.token is None
    assert str(settings.database_path) == "data/runback.sqlite3"
    assert settings.default_timezone == "UTC"
    assert settings.log_level == logging.INFO


def test_token_is_redacted_from_messages_args_and_tracebacks() -> None:
    token = "123456:ABCdefSECRET"
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    configure_logging(logging.DEBUG, [token], stream)
    log = logging.getLogger("test.redact")
    log.debug("POST https://api.telegram.org/bot%s/getMe", token)
    try:
        raise RuntimeError(f"failed at /bot{token}/sendMessage")
    except RuntimeError:
        log.exception("boom")
    output = stream.getvalue()
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    assert token not in output
    assert output.count(REDACTED) >= 2
    assert logging.getLogger("httpx").level == logging.WARNING
