"""Configuration from the environment and an optional `.env` file.

A missing or malformed value is one clear line and exit status 2 (see cli.py),
never a traceback; the token itself is never echoed back.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

_TOKEN_SHAPE = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{3,100}$")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
MAX_WORKERS = 32


class SettingsError(ValueError):
    """A configuration value is missing or malformed; the message is safe to print."""


@dataclass(frozen=True)
class Settings:
    token: str | None  # None: no Telegram, the local playground
    api_base_url: str | None
    database_path: Path
    default_timezone: str
    log_level: int
    webhook_url: str | None
    webhook_secret: str | None
    webhook_listen: str
    webhook_port: int
    workers: int = 1  # processes handling updates (workers.py); more than 1 needs polling


def _url(name: str, value: str, *, https: bool = False) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ({"https"} if https else {"http", "https"}) or not parts.netloc:
        need = "an https:// URL" if https else "an http(s):// URL"
        raise SettingsError(f"{name} must be {need}, got {value!r}")
    return value.rstrip("/")


def _webhook(env: Mapping[str, str]) -> tuple[str | None, str | None, str, int]:
    url = env.get("WEBHOOK_URL") or None
    listen = env.get("WEBHOOK_LISTEN") or "127.0.0.1"
    port_text = env.get("WEBHOOK_PORT") or "8443"
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise SettingsError(f"WEBHOOK_PORT must be a port number, got {port_text!r}")
    if url is None:
        return None, None, listen, int(port_text)
    secret = env.get("WEBHOOK_SECRET") or ""
    if not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", secret):
        raise SettingsError(
            "WEBHOOK_SECRET must be 16-256 characters of A-Z, a-z, 0-9, _ or - "
            "when WEBHOOK_URL is set"
        )
    return _url("WEBHOOK_URL", url, https=True), secret, listen, int(port_text)


def _workers(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_WORKERS:
        raise SettingsError(
            f"WORKERS must be a whole number from 1 to {MAX_WORKERS}, got {text!r}"
        )
    return int(text)


def settings_from(env: Mapping[str, str]) -> Settings:
    """Validate raw values; raise SettingsError with one printable line."""
    token = (env.get("TELEGRAM_BOT_TOKEN") or "").strip() or None
    if token is not None and not _TOKEN_SHAPE.match(token):
        raise SettingsError("TELEGRAM_BOT_TOKEN does not look like a bot token (digits:letters)")
    base_url = env.get("TELEGRAM_API_BASE_URL") or None
    timezone = env.get("DEFAULT_TIMEZONE") or "UTC"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingsError(
            f"DEFAULT_TIMEZONE must be an IANA time zone like Europe/London, got {timezone!r}"
        ) from exc
    level = (env.get("LOG_LEVEL") or "INFO").upper()
    if level not in LOG_LEVELS:
        raise SettingsError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {level!r}")
    webhook_url, secret, listen, port = _webhook(env)
    workers = _workers(env.get("WORKERS") or "1")
    if workers > 1 and webhook_url:
        raise SettingsError("WORKERS above 1 works with long polling only; unset WEBHOOK_URL")
    return Settings(
        token=token,
        api_base_url=_url("TELEGRAM_API_BASE_URL", base_url) if base_url else None,
        database_path=Path(env.get("DATABASE_PATH") or "./data/runback.sqlite3"),
        default_timezone=timezone,
        log_level=getattr(logging, level),
        webhook_url=webhook_url,
        webhook_secret=secret,
        webhook_listen=listen,
        webhook_port=port,
        workers=workers,
    )


def load_settings(env_file: Path = Path(".env")) -> Settings:
    """The process environment wins over `.env`, which is optional."""
    values = {k: v for k, v in dotenv_values(env_file).items() if v is not None}
    return settings_from({**values, **os.environ})
