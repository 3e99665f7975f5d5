"""RunBack: a Telegram companion for runners with low back pain."""

import os

# python-telegram-bot 22 warns on every RetryAfter that `retry_after` becomes a
# timedelta in its next major version; opting in now keeps one behaviour to handle.
os.environ.setdefault("PTB_TIMEDELTA", "1")
