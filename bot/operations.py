"""Operator commands: `python -m bot backup PATH` and `python -m bot stats`."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import TextIO

from bot.settings import SettingsError, load_settings
from bot.storage import Database, StorageError, backup_database

EXIT_FAILED = 3


def _database_path(err: TextIO) -> Path | None:
    try:
        return load_settings().database_path
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=err)
        return None


def backup(target: Path, out: TextIO, err: TextIO) -> int:
    """A consistent copy of the live database, safe while the bot runs."""
    source = _database_path(err)
    if source is None:
        return 2
    try:
        asyncio.run(backup_database(source, target))
    except (StorageError, OSError) as exc:
        print(f"backup failed: {exc}", file=err)
        return EXIT_FAILED
    print(f"backed up {source} to {target} ({target.stat().st_size:,} bytes)", file=out)
    return 0


def stats(out: TextIO, err: TextIO) -> int:
    """Anonymous counts for the operator: never a name, a chat id or a pain score."""
    source = _database_path(err)
    if source is None:
        return 2
    if not source.is_file():
        print(f"no database at {source} yet", file=err)
        return EXIT_FAILED
    try:
        counts = asyncio.run(_counts(source))
    except StorageError as exc:
        print(f"stats failed: {exc}", file=err)
        return EXIT_FAILED
    for name, value in counts.items():
        print(f"{name.replace('_', ' ')}: {value}", file=out)
    return 0


async def _counts(path: Path) -> dict[str, int]:
    database = await Database.open(path)
    try:
        return await database.counts(dt.datetime.now(dt.UTC).date())
    finally:
        await database.close()
