"""Running against Telegram (or any Bot API server): long polling, or a webhook."""

from __future__ import annotations

from urllib.parse import urlsplit

from telegram import Update

from bot.app import build_application
from bot.knowledge import KnowledgeBase
from bot.settings import Settings


def run_telegram(settings: Settings, kb: KnowledgeBase) -> None:
    """Blocks until stopped (Ctrl+C / SIGTERM); PTB runs post_init and shutdown."""
    if settings.token is None:
        raise ValueError("run_telegram needs a token")
    application = build_application(
        settings.token,
        kb,
        base_url=settings.api_base_url,
        database_path=settings.database_path,
        default_timezone=settings.default_timezone,
    )
    if settings.webhook_url:
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=urlsplit(settings.webhook_url).path.lstrip("/"),
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
