"""The red-flag patterns' pre-checks, remembered between runs (as Python keeps .pyc files).

Working out which words a pattern's matches must contain (`regex_literals.py`)
takes Python's regex parser, and parsing the ~650 patterns and walking their
trees was most of the cost of starting the bot. The result depends only on the
pattern's text, the Python version and the code that works it out. So it is
kept in a file named by a hash of the last two, with each pattern's text as its
key: a pattern edited in the YAML is simply not found there, and is parsed,
checked and analysed again. A pattern is only written to the file after Python's
parser accepted it. A missing, unreadable or damaged file only costs time (a
checksum catches damage that still reads as JSON: a literal changed on disk
could otherwise stop a warning-sign pattern from ever being tried).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot import checked_regex, regex_literals
from bot.regex_literals import Options

logger = logging.getLogger(__name__)

CACHE_DIR_ENV = "RUNBACK_CACHE_DIR"  # where the file lives; set but empty: no cache


def default_cache_dir() -> Path | None:
    """$RUNBACK_CACHE_DIR, else the user's cache directory (XDG), or None for no cache."""
    configured = os.environ.get(CACHE_DIR_ENV)
    if configured is not None:
        return Path(configured) if configured.strip() else None
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    try:
        return (Path(base) if base else Path.home() / ".cache") / "runback"
    except RuntimeError:  # no home directory to speak of
        return None


def _code_key() -> str | None:
    """A hash of everything besides the pattern that decides its pre-check."""
    digest = hashlib.sha256(sys.version.encode())
    for module in (checked_regex, regex_literals):
        try:
            digest.update(Path(str(module.__file__)).read_bytes())
        except OSError:
            return None  # the code cannot be read (a frozen build): no cache
    return digest.hexdigest()[:16]


def _checksum(patterns: Any) -> str:
    """Of the stored pre-checks: a file damaged into other valid JSON is not trusted."""
    return hashlib.sha256(json.dumps(patterns, sort_keys=True).encode()).hexdigest()


def _options(raw: Any) -> Options:
    """JSON lists back into pre-check options; ValueError when they are not such lists."""
    if not isinstance(raw, list) or not raw:
        raise ValueError("expected a non-empty list of alternatives")
    options = []
    for option in raw:
        if not isinstance(option, list):
            raise ValueError("expected a list of requirements")
        requirements = []
        for strings in option:
            if not isinstance(strings, list) or not all(isinstance(s, str) for s in strings):
                raise ValueError("expected a list of strings")
            requirements.append(frozenset(strings))
        options.append(tuple(requirements))
    return tuple(options)


class PrecheckCache:
    """Pre-checks of the patterns seen in earlier runs, by pattern text."""

    def __init__(self, directory: Path | None) -> None:
        key = _code_key() if directory is not None else None
        self.path = None
        if directory is not None and key is not None:
            self.path = directory / f"prechecks-{key}.json"
        self._known = self._read()

    def _read(self) -> dict[str, Options]:
        if self.path is None:
            return {}
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
            patterns = stored["patterns"]
            if stored["checksum"] != _checksum(patterns):
                raise ValueError("checksum mismatch")  # a changed literal could hide a sign
            return {str(source): _options(options) for source, options in patterns.items()}
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, AttributeError, KeyError, TypeError) as exc:  # damaged
            logger.debug("ignoring the pre-check cache %s: %s", self.path, exc)
            return {}

    def get(self, source: str) -> Options | None:
        """The pre-check of a pattern that passed every load check before, else None."""
        return self._known.get(source)

    def save(self, used: Mapping[str, Options]) -> None:
        """Keep exactly the patterns of this knowledge base (old ones drop out)."""
        if self.path is None or used.keys() == self._known.keys():
            return
        patterns = {
            source: [[sorted(strings) for strings in option] for option in options]
            for source, options in used.items()
        }
        data = {"checksum": _checksum(patterns), "patterns": patterns}
        written: str | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Written whole, then renamed: a reader (another worker) never sees half a file.
            with tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", dir=self.path.parent, suffix=".tmp", delete=False
            ) as handle:
                written = handle.name
                json.dump(data, handle)
            os.replace(written, self.path)
            self._known = dict(used)
            for stale in self.path.parent.glob("prechecks-*.json"):
                if stale != self.path:  # left by an earlier version of the code
                    stale.unlink(missing_ok=True)
        except OSError as exc:  # a read-only home, a full disk: the next start parses again
            logger.debug("could not write the pre-check cache %s: %s", self.path, exc)
            if written is not None:
                Path(written).unlink(missing_ok=True)


__all__ = ["CACHE_DIR_ENV", "PrecheckCache", "default_cache_dir"]
