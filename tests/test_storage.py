"""The database file itself: schema versions, refusing a newer file, start-up checks."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from bot.storage import SCHEMA_VERSION, Database, StorageError, database_problem
from tests.telegram_fakes import TOKEN

NOW = dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC)


async def test_a_new_file_is_migrated_and_reopening_keeps_the_data(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "runback.sqlite3"
    database = await Database.open(path)
    await database.ensure_user(42, "Europe/Paris", NOW)
    await database.close()
    database = await Database.open(path)
    user = await database.user(42)
    await database.close()
    assert user is not None
    assert user.timezone == "Europe/Paris"
    with closing(sqlite3.connect(path)) as raw:
        assert raw.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)


async def test_a_file_from_a_newer_runback_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "runback.sqlite3"
    with closing(sqlite3.connect(path)) as raw:
        raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StorageError, match="newer RunBack"):
        await Database.open(path)
    problem = await database_problem(path)
    assert problem is not None
    assert "newer RunBack" in problem


async def test_a_directory_is_not_a_database(tmp_path: Path) -> None:
    problem = await database_problem(tmp_path)
    assert problem is not None
    assert str(tmp_path) in problem


def test_the_bot_refuses_to_start_on_a_newer_database(tmp_path: Path) -> None:
    path = tmp_path / "runback.sqlite3"
    with closing(sqlite3.connect(path)) as raw:
        raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "DATABASE_PATH": str(path),
        "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot",  # never reached
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot"], env=env, capture_output=True, text=True, timeout=60,
        cwd=tmp_path, check=False,
    )  # fmt: skip
    assert result.returncode == 3
    assert result.stderr.count("\n") == 1
    assert "newer RunBack" in result.stderr
    assert TOKEN not in result.stderr + result.stdout
