"""Logging that never prints the bot token, at any level.

httpx logs every request URL (which contains the token) at INFO, and PTB's
Bot logger logs the API URL at DEBUG: levels alone are not enough, so every
record passes through a filter that replaces secrets before it is formatted.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from typing import TextIO

REDACTED = "[REDACTED]"


class RedactSecrets(logging.Filter):
    """Replaces each secret in a record's message (after %-formatting) and traceback."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]

    def _clean(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if self._secrets:
            record.msg = self._clean(record.getMessage())
            record.args = None
            if record.exc_info:
                # Format the traceback now, cleaned, so handlers never see the raw one.
                formatted = logging.Formatter().formatException(record.exc_info)
                record.exc_text = self._clean(formatted)
                record.exc_info = None
        return True


def configure_logging(level: int, secrets: Iterable[str], stream: TextIO | None = None) -> None:
    """Root logging to stderr (or `stream`), secrets redacted, noisy HTTP loggers capped."""
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # httpx/httpcore log request URLs, which carry the token: keep them quiet too.
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
