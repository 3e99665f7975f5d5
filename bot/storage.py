"""Everything RunBack remembers, in one SQLite file (aiosqlite). No SQL lives elsewhere.

One connection per process, WAL mode so a backup or `stats` can read while
the bot writes, and every multi-row change in one transaction. The schema is
versioned with `PRAGMA user_version`; start-up applies forward migrations and
refuses a file written by a newer RunBack.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from bot.records import CheckIn, Claim, Club, ClubStats, Episode, NewCheckIn, User
from bot.volume import UsualVolume, VolumeUnit

T = TypeVar("T")
Statements = Sequence[tuple[str, Sequence[Any]]]

_MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE users (
        chat_id INTEGER PRIMARY KEY,
        timezone TEXT NOT NULL,
        checkin_time TEXT NOT NULL DEFAULT '08:00',
        usual_amount REAL,
        usual_unit TEXT CHECK (usual_unit IN ('km', 'mi', 'min')),
        paused TEXT CHECK (paused IN ('by-user', 'unanswered')),
        active INTEGER NOT NULL DEFAULT 1,
        next_due_utc TEXT,
        last_prompt_date TEXT,
        unanswered INTEGER NOT NULL DEFAULT 0,
        question_kind TEXT,
        question_token TEXT,
        draft TEXT NOT NULL DEFAULT '{}',
        created_utc TEXT NOT NULL
    );
    CREATE INDEX users_due ON users (next_due_utc) WHERE next_due_utc IS NOT NULL;
    CREATE TABLE episodes (
        id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL REFERENCES users (chat_id) ON DELETE CASCADE,
        onset TEXT NOT NULL,
        onset_date TEXT NOT NULL,
        started_on TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('active', 'resolved', 'stopped')),
        stage INTEGER NOT NULL,
        stage_since TEXT NOT NULL,
        red_flag_open INTEGER NOT NULL DEFAULT 0,
        last_screen_date TEXT,
        ended_on TEXT
    );
    CREATE UNIQUE INDEX one_active_episode ON episodes (chat_id) WHERE status = 'active';
    CREATE TABLE checkins (
        id INTEGER PRIMARY KEY,
        episode_id INTEGER NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
        local_date TEXT NOT NULL,
        pain INTEGER NOT NULL CHECK (pain BETWEEN 0 AND 10),
        outcome TEXT CHECK (outcome IN ('fine', 'worse', 'skipped')),
        stage_before INTEGER NOT NULL,
        decision TEXT NOT NULL,
        stage_after INTEGER NOT NULL,
        reason TEXT NOT NULL,
        UNIQUE (episode_id, local_date)
    );
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL REFERENCES users (chat_id) ON DELETE CASCADE,
        episode_id INTEGER REFERENCES episodes (id) ON DELETE CASCADE,
        at_utc TEXT NOT NULL,
        kind TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX events_by_chat ON events (chat_id);
    """,
    # 2: running clubs (group chats): daily tips, and members counted in anonymous stats.
    """
    CREATE TABLE clubs (
        chat_id INTEGER PRIMARY KEY,
        title TEXT NOT NULL DEFAULT '',
        tips_time TEXT,
        tips_timezone TEXT,
        next_tip_utc TEXT,
        last_tip_date TEXT,
        created_utc TEXT NOT NULL
    );
    CREATE INDEX clubs_tip_due ON clubs (next_tip_utc) WHERE next_tip_utc IS NOT NULL;
    CREATE TABLE club_tips_sent (
        club_id INTEGER NOT NULL
            REFERENCES clubs (chat_id) ON DELETE CASCADE ON UPDATE CASCADE,
        tip_id TEXT NOT NULL,
        sent_on TEXT NOT NULL,
        PRIMARY KEY (club_id, tip_id)
    );
    CREATE TABLE club_members (
        club_id INTEGER NOT NULL
            REFERENCES clubs (chat_id) ON DELETE CASCADE ON UPDATE CASCADE,
        user_id INTEGER NOT NULL REFERENCES users (chat_id) ON DELETE CASCADE,
        PRIMARY KEY (club_id, user_id)
    );
    """,
)
SCHEMA_VERSION = len(_MIGRATIONS)
BUSY_TIMEOUT_MS = 30_000  # an operator's backup may hold the file for a while: wait, don't fail


class StorageError(Exception):
    """The database cannot be used (for example, written by a newer RunBack)."""


async def database_problem(path: Path) -> str | None:
    """Why the bot could not use the database at `path` (one line), or None if it can.

    Checked before connecting to Telegram, so a bad file is one clear line at
    start-up instead of a traceback from inside the running bot.
    """
    try:
        database = await Database.open(path)
    except StorageError as exc:
        return str(exc)
    except (sqlite3.Error, OSError) as exc:
        return f"cannot open {path}: {exc}"
    await database.close()
    return None


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _from_utc(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC) if text else None


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _user(row: aiosqlite.Row) -> User:
    unit: VolumeUnit | None = row["usual_unit"]
    usual = UsualVolume(row["usual_amount"], unit) if unit and row["usual_amount"] else None
    return User(
        chat_id=row["chat_id"],
        timezone=row["timezone"],
        checkin_time=dt.time.fromisoformat(row["checkin_time"]),
        usual=usual,
        paused=row["paused"],
        active=bool(row["active"]),
        next_due=_from_utc(row["next_due_utc"]),
        last_prompt_date=_date(row["last_prompt_date"]),
        unanswered=row["unanswered"],
        question_kind=row["question_kind"],
        question_token=row["question_token"],
        draft=json.loads(row["draft"]) if row["draft"] not in (None, "{}") else {},
    )


def _episode(row: aiosqlite.Row) -> Episode:
    return Episode(
        id=row["id"],
        chat_id=row["chat_id"],
        onset=row["onset"],
        onset_date=dt.date.fromisoformat(row["onset_date"]),
        started_on=dt.date.fromisoformat(row["started_on"]),
        status=row["status"],
        stage=row["stage"],
        stage_since=dt.date.fromisoformat(row["stage_since"]),
        red_flag_open=bool(row["red_flag_open"]),
        last_screen_date=_date(row["last_screen_date"]),
        ended_on=_date(row["ended_on"]),
    )


def _checkin(row: aiosqlite.Row) -> CheckIn:
    return CheckIn(
        local_date=dt.date.fromisoformat(row["local_date"]),
        pain=row["pain"],
        outcome=row["outcome"],
        stage_before=row["stage_before"],
        decision=row["decision"],
        stage_after=row["stage_after"],
        reason=row["reason"],
    )


def _backup_target(source: Path, target: Path) -> sqlite3.Connection:
    if not source.is_file():
        raise StorageError(f"no database at {source}")
    if target.exists():
        raise StorageError(f"{target} already exists: choose a new file name")
    old_umask = os.umask(0o077)
    try:
        _create_private_file(target)
        return sqlite3.connect(target, check_same_thread=False)
    finally:
        os.umask(old_umask)


async def backup_database(source: Path, target: Path) -> None:
    """A consistent copy of a live database (SQLite's online backup API), owner-only.

    The copy goes a thousand pages at a time, so a running bot keeps writing
    in between; `busy_timeout` waits out its transactions.
    """
    destination = _backup_target(source, target)
    try:
        async with aiosqlite.connect(source) as connection:
            await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await connection.backup(destination, pages=1_000, sleep=0.01)
    finally:
        destination.close()


def _club(row: aiosqlite.Row) -> Club:
    return Club(
        chat_id=row["chat_id"],
        title=row["title"],
        tips_time=dt.time.fromisoformat(row["tips_time"]) if row["tips_time"] else None,
        tips_timezone=row["tips_timezone"],
        next_tip=_from_utc(row["next_tip_utc"]),
        last_tip_date=_date(row["last_tip_date"]),
    )


def _create_private_file(path: Path) -> None:
    """The file (and its WAL and shared-memory files) readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    for suffix in ("", "-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            companion.chmod(0o600)


def _in_transaction(db: sqlite3.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
    db.execute("BEGIN IMMEDIATE")
    try:
        result = work(db)
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return result


def _execute_all(db: sqlite3.Connection, statements: Statements) -> int:
    """Run each statement in order; the rows the last one changed."""
    changed = 0
    for sql, params in statements:
        changed = db.execute(sql, params).rowcount
    return changed


class Database:
    """The bot's storage: intention-revealing methods over one aiosqlite connection."""

    def __init__(self, connection: aiosqlite.Connection, path: Path) -> None:
        self._db = connection
        self.path = path
        self.transactions = 0  # committed write transactions, for the load benchmark

    @classmethod
    async def open(cls, path: Path) -> Database:
        """Open (creating it owner-only if needed), configure and migrate the database."""
        in_memory = str(path) == ":memory:"  # the playground without a file, some tests
        old_umask = os.umask(0o077)  # WAL and shm files are created later, by SQLite
        try:
            if not in_memory:
                _create_private_file(path)
            connection = await aiosqlite.connect(path, isolation_level=None)
        finally:
            os.umask(old_umask)
        connection.row_factory = aiosqlite.Row
        database = cls(connection, path)
        try:
            await database._configure()
            await database._migrate()
        except BaseException:
            await connection.close()
            raise
        return database

    async def close(self) -> None:
        await self._db.close()

    async def _configure(self) -> None:
        await self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await self._db.execute("PRAGMA journal_mode = WAL")
        await self._db.execute("PRAGMA foreign_keys = ON")
        await self._db.execute("PRAGMA secure_delete = ON")  # /forget leaves no readable trace
        await self._db.execute("PRAGMA synchronous = NORMAL")  # safe with WAL

    async def _migrate(self) -> None:
        version = await self._scalar("PRAGMA user_version")
        if version > SCHEMA_VERSION:
            raise StorageError(
                f"{self.path} was written by a newer RunBack (schema {version}, this one knows "
                f"up to {SCHEMA_VERSION}); upgrade RunBack or restore an older backup"
            )
        for number in range(version, SCHEMA_VERSION):
            await self._db.executescript(
                f"BEGIN; {_MIGRATIONS[number]} PRAGMA user_version = {number + 1}; COMMIT;"
            )

    async def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[aiosqlite.Row]:
        """One round trip to SQLite's thread: execute and fetch together."""
        return list(await self._db.execute_fetchall(sql, params))

    async def _row(self, sql: str, params: Sequence[Any] = ()) -> aiosqlite.Row | None:
        rows = await self._rows(sql, params)
        return rows[0] if rows else None

    async def _scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = await self._row(sql, params)
        return row[0] if row is not None else None

    async def _transact(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` as one write transaction, in a single job on SQLite's thread.

        One job, not a round trip per statement: a transaction then never holds
        SQLite's write lock while it waits for a turn of a busy event loop (a
        writer in another process would sleep in SQLite's busy handler, up to
        100 ms a try), and jobs on the one thread can never interleave.
        aiosqlite has no public call for this; `_execute` and `_conn` are what
        its own `backup()` and `iterdump()` use (the range in pyproject.toml stops
        before the next minor release).
        """
        result: T = await self._db._execute(  # type: ignore[no-untyped-call]
            _in_transaction, self._db._conn, work
        )
        self.transactions += 1
        return result

    async def _write(self, *statements: tuple[str, Sequence[Any]]) -> int:
        """Run statements as one transaction; the rows the last one changed."""
        return await self._transact(lambda db: _execute_all(db, statements))

    # Users and the question each is being asked ---------------------------------

    async def user(self, chat_id: int) -> User | None:
        row = await self._row("SELECT * FROM users WHERE chat_id = ?", (chat_id,))
        return _user(row) if row is not None else None

    async def ensure_user(self, chat_id: int, timezone: str, now: dt.datetime) -> User:
        known = await self.user(chat_id)  # the common case: one round trip
        if known is not None:
            return known
        await self._write(
            (
                "INSERT INTO users (chat_id, timezone, created_utc) VALUES (?, ?, ?)"
                " ON CONFLICT (chat_id) DO NOTHING",
                (chat_id, timezone, _utc(now)),
            )
        )
        found = await self.user(chat_id)
        assert found is not None  # noqa: S101 - inserted just above
        return found

    async def ask(
        self,
        chat_id: int,
        kind: str,
        token: str,
        draft: dict[str, Any],
        *,
        checkin_answered: bool = False,
    ) -> None:
        """Remember the one question whose buttons or typed answer are now expected.

        `checkin_answered`: the runner answered this morning's prompt, so the
        count of ignored prompts starts again.
        """
        await self._write(
            (
                "UPDATE users SET question_kind = ?, question_token = ?, draft = ?,"
                " unanswered = CASE WHEN ? THEN 0 ELSE unanswered END WHERE chat_id = ?",
                (kind, token, json.dumps(draft), checkin_answered, chat_id),
            )
        )

    async def clear_question(self, chat_id: int) -> None:
        await self._write(
            (
                "UPDATE users SET question_kind = NULL, question_token = NULL, draft = '{}'"
                " WHERE chat_id = ?",
                (chat_id,),
            )
        )

    async def update_settings(
        self,
        chat_id: int,
        *,
        timezone: str | None = None,
        checkin_time: dt.time | None = None,
        usual: UsualVolume | None = None,
        clear_usual: bool = False,
        next_due: dt.datetime | None = None,
    ) -> None:
        changes: dict[str, Any] = {}
        if timezone is not None:
            changes["timezone"] = timezone
        if checkin_time is not None:
            changes["checkin_time"] = checkin_time.strftime("%H:%M")
        if usual is not None:
            changes["usual_amount"], changes["usual_unit"] = usual.amount, usual.unit
        elif clear_usual:
            changes["usual_amount"], changes["usual_unit"] = None, None
        if next_due is not None:
            changes["next_due_utc"] = _utc(next_due)
        if changes:
            assignments = ", ".join(f"{column} = ?" for column in changes)
            sql = f"UPDATE users SET {assignments} WHERE chat_id = ?"  # noqa: S608 - fixed names
            await self._write((sql, (*changes.values(), chat_id)))

    async def set_paused(
        self, chat_id: int, paused: str | None, next_due: dt.datetime | None
    ) -> None:
        """Pause ("by-user", "unanswered") or resume (None) check-ins, with the next due time."""
        await self._write(
            (
                "UPDATE users SET paused = ?, unanswered = 0, next_due_utc = ? WHERE chat_id = ?",
                (paused, _utc(next_due) if next_due else None, chat_id),
            )
        )

    async def mark_inactive(self, chat_id: int) -> None:
        """Telegram says the chat is gone (blocked, deleted): no more check-ins."""
        await self._write(
            ("UPDATE users SET active = 0, next_due_utc = NULL WHERE chat_id = ?", (chat_id,))
        )

    async def mark_active(self, chat_id: int) -> None:
        await self._write(("UPDATE users SET active = 1 WHERE chat_id = ?", (chat_id,)))

    # Episodes and check-ins --------------------------------------------------------

    async def active_episode(self, chat_id: int) -> Episode | None:
        row = await self._row(
            "SELECT * FROM episodes WHERE chat_id = ? AND status = 'active'", (chat_id,)
        )
        return _episode(row) if row is not None else None

    async def latest_episode(self, chat_id: int) -> Episode | None:
        row = await self._row(
            "SELECT * FROM episodes WHERE chat_id = ? ORDER BY id DESC LIMIT 1", (chat_id,)
        )
        return _episode(row) if row is not None else None

    async def start_episode(
        self,
        chat_id: int,
        *,
        onset: str,
        onset_date: dt.date,
        today: dt.date,
        stage: int,
        pain: int,
        reason: str,
        red_flag: bool,
        next_due: dt.datetime | None,
        now: dt.datetime,
    ) -> Episode:
        """The episode, its first check-in (today's pain) and the schedule, in one go."""

        def work(db: sqlite3.Connection) -> None:
            episode_id = db.execute(
                "INSERT INTO episodes (chat_id, onset, onset_date, started_on, status, stage,"
                " stage_since, red_flag_open, last_screen_date) VALUES (?, ?, ?, ?, 'active',"
                " ?, ?, ?, ?)",
                (chat_id, onset, onset_date.isoformat(), today.isoformat(), stage,
                 today.isoformat(), int(red_flag), today.isoformat()),
            ).lastrowid  # fmt: skip
            events = [("plan-started", f"stage {stage}")]
            if red_flag:
                events.append(("red-flag", "plan screen"))
            _execute_all(
                db,
                [
                    (
                        "INSERT INTO checkins (episode_id, local_date, pain, outcome,"
                        " stage_before, decision, stage_after, reason)"
                        " VALUES (?, ?, ?, NULL, ?, 'start', ?, ?)",
                        (episode_id, today.isoformat(), pain, stage, stage, reason),
                    ),
                    (
                        "UPDATE users SET next_due_utc = ?, paused = NULL, unanswered = 0,"
                        " question_kind = NULL, question_token = NULL, draft = '{}'"
                        " WHERE chat_id = ?",
                        (_utc(next_due) if next_due else None, chat_id),
                    ),
                    *(
                        (
                            "INSERT INTO events (chat_id, episode_id, at_utc, kind, detail)"
                            " VALUES (?, ?, ?, ?, ?)",
                            (chat_id, episode_id, _utc(now), kind, detail),
                        )
                        for kind, detail in events
                    ),
                ],
            )

        await self._transact(work)
        episode = await self.active_episode(chat_id)
        assert episode is not None  # noqa: S101 - created just above
        return episode

    async def checkins(self, episode_id: int) -> list[CheckIn]:
        return [
            _checkin(row)
            for row in await self._rows(
                "SELECT * FROM checkins WHERE episode_id = ? ORDER BY local_date", (episode_id,)
            )
        ]

    async def record_checkin(self, chat_id: int, new: NewCheckIn, now: dt.datetime) -> None:
        """Today's check-in (replacing an earlier one that day) and the stage it led to."""
        day = new.day
        statements: list[tuple[str, Sequence[Any]]] = [
            (
                "INSERT INTO checkins (episode_id, local_date, pain, outcome, stage_before,"
                " decision, stage_after, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (episode_id, local_date) DO UPDATE SET pain = excluded.pain,"
                " outcome = excluded.outcome, decision = excluded.decision,"
                " stage_after = excluded.stage_after, reason = excluded.reason",
                (
                    new.episode_id,
                    day.local_date.isoformat(),
                    day.pain,
                    day.outcome,
                    day.stage_before,
                    day.decision,
                    day.stage_after,
                    day.reason,
                ),
            ),
            (
                "UPDATE episodes SET stage = ?, stage_since = ?, status = ?, ended_on = ?"
                " WHERE id = ?",
                (
                    day.stage_after,
                    new.stage_since.isoformat(),
                    new.status,
                    day.local_date.isoformat() if new.status != "active" else None,
                    new.episode_id,
                ),
            ),
            (
                "UPDATE users SET unanswered = 0, question_kind = NULL, question_token = NULL,"
                " draft = '{}' WHERE chat_id = ?",
                (chat_id,),
            ),
            (
                "INSERT INTO events (chat_id, episode_id, at_utc, kind, detail)"
                " VALUES (?, ?, ?, ?, ?)",
                (chat_id, new.episode_id, _utc(now), f"decision-{day.decision}", day.reason),
            ),
        ]
        if new.status != "active":
            statements.append(
                ("UPDATE users SET next_due_utc = NULL WHERE chat_id = ?", (chat_id,))
            )
        await self._write(*statements)

    async def raise_red_flag(
        self, chat_id: int, episode_id: int, detail: str, today: dt.date, now: dt.datetime
    ) -> None:
        """Stop the plan until a clinician has seen the runner."""
        await self._write(
            (
                "UPDATE episodes SET red_flag_open = 1, last_screen_date = ? WHERE id = ?",
                (today.isoformat(), episode_id),
            ),
            (
                "INSERT INTO events (chat_id, episode_id, at_utc, kind, detail)"
                " VALUES (?, ?, ?, 'red-flag', ?)",
                (chat_id, episode_id, _utc(now), detail),
            ),
            ("UPDATE users SET next_due_utc = NULL WHERE chat_id = ?", (chat_id,)),
        )

    async def screened(self, episode_id: int, today: dt.date) -> None:
        await self._write(
            (
                "UPDATE episodes SET last_screen_date = ? WHERE id = ?",
                (today.isoformat(), episode_id),
            )
        )

    async def clear_red_flag(self, chat_id: int, episode_id: int, now: dt.datetime) -> None:
        await self._write(
            ("UPDATE episodes SET red_flag_open = 0 WHERE id = ?", (episode_id,)),
            (
                "INSERT INTO events (chat_id, episode_id, at_utc, kind, detail)"
                " VALUES (?, ?, ?, 'clinician-confirmed', '')",
                (chat_id, episode_id, _utc(now)),
            ),
        )

    async def end_episode(self, chat_id: int, status: str, today: dt.date) -> bool:
        """End the active episode ("resolved" or "stopped"); False if there was none."""

        def work(db: sqlite3.Connection) -> bool:
            ended = db.execute(
                "UPDATE episodes SET status = ?, ended_on = ?"
                " WHERE chat_id = ? AND status = 'active'",
                (status, today.isoformat(), chat_id),
            ).rowcount
            db.execute(
                "UPDATE users SET next_due_utc = NULL, question_kind = NULL,"
                " question_token = NULL, draft = '{}' WHERE chat_id = ?",
                (chat_id,),
            )
            return ended > 0

        return await self._transact(work)

    # The check-in schedule ---------------------------------------------------------

    async def due_users(self, now: dt.datetime, limit: int) -> list[User]:
        """Active, unpaused users whose next check-in time has come, earliest first."""
        return [
            _user(row)
            for row in await self._rows(
                "SELECT * FROM users WHERE next_due_utc IS NOT NULL AND next_due_utc <= ?"
                " AND active = 1 AND paused IS NULL ORDER BY next_due_utc LIMIT ?",
                (_utc(now), limit),
            )
        ]

    async def claim(
        self,
        claims: Sequence[Claim],
        skipped: Sequence[tuple[int, dt.datetime]],
        question_draft: dict[str, Any],
    ) -> None:
        """Take prompts off the schedule before sending them, so none is ever sent twice.

        `skipped` users only move to their next due time (a day missed while
        the bot was down, or a prompt already sent that local day).
        """
        draft = json.dumps(question_draft)

        def work(db: sqlite3.Connection) -> None:
            db.executemany(
                "UPDATE users SET last_prompt_date = ?, next_due_utc = ?,"
                " unanswered = unanswered + 1, question_kind = ?, question_token = ?,"
                " draft = ?, paused = ? WHERE chat_id = ?",
                [
                    (
                        c.local_date.isoformat(),
                        _utc(c.next_due) if c.next_due and not c.pause else None,
                        None if c.pause else "checkin-pain",
                        None if c.pause else c.token,
                        draft,
                        "unanswered" if c.pause else None,
                        c.chat_id,
                    )
                    for c in claims
                ],
            )
            db.executemany(
                "UPDATE users SET next_due_utc = ? WHERE chat_id = ?",
                [(_utc(due), chat_id) for chat_id, due in skipped],
            )

        await self._transact(work)

    async def release(self, claim: Claim, retry_at: dt.datetime) -> None:
        """A prompt that could not be delivered goes back on the schedule, unchanged."""
        await self._write(
            (
                "UPDATE users SET last_prompt_date = ?, next_due_utc = ?,"
                " unanswered = max(unanswered - 1, 0), paused = NULL WHERE chat_id = ?",
                (
                    claim.previous_prompt_date.isoformat() if claim.previous_prompt_date else None,
                    _utc(retry_at),
                    claim.chat_id,
                ),
            )
        )

    # Running clubs (group chats) -------------------------------------------------------

    async def ensure_club(self, chat_id: int, title: str, now: dt.datetime) -> None:
        await self._write(
            (
                "INSERT INTO clubs (chat_id, title, created_utc) VALUES (?, ?, ?)"
                " ON CONFLICT (chat_id) DO UPDATE SET title = excluded.title",
                (chat_id, title, _utc(now)),
            )
        )

    async def club(self, chat_id: int) -> Club | None:
        row = await self._row("SELECT * FROM clubs WHERE chat_id = ?", (chat_id,))
        return _club(row) if row is not None else None

    async def set_club_tips(
        self, chat_id: int, at: dt.time | None, timezone: str | None, next_tip: dt.datetime | None
    ) -> None:
        """Daily tips on (a local time, a zone, the first one due) or off (all None)."""
        await self._write(
            (
                "UPDATE clubs SET tips_time = ?, tips_timezone = ?, next_tip_utc = ?"
                " WHERE chat_id = ?",
                (
                    at.strftime("%H:%M") if at else None,
                    timezone,
                    _utc(next_tip) if next_tip else None,
                    chat_id,
                ),
            )
        )

    async def drop_club(self, chat_id: int) -> None:
        """The bot left the group: its settings, tip history and member list go."""
        await self._write(("DELETE FROM clubs WHERE chat_id = ?", (chat_id,)))

    async def move_club(self, old_chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup (new id): everything follows it."""

        def work(db: sqlite3.Connection) -> None:
            if db.execute("SELECT 1 FROM clubs WHERE chat_id = ?", (old_chat_id,)).fetchone():
                db.execute("DELETE FROM clubs WHERE chat_id = ?", (new_chat_id,))
                db.execute(
                    "UPDATE clubs SET chat_id = ? WHERE chat_id = ?", (new_chat_id, old_chat_id)
                )

        await self._transact(work)

    async def due_tips(self, now: dt.datetime, limit: int) -> list[Club]:
        return [
            _club(row)
            for row in await self._rows(
                "SELECT * FROM clubs WHERE next_tip_utc IS NOT NULL AND next_tip_utc <= ?"
                " ORDER BY next_tip_utc LIMIT ?",
                (_utc(now), limit),
            )
        ]

    async def tips_sent(self, chat_id: int) -> set[str]:
        return {
            row[0]
            for row in await self._rows(
                "SELECT tip_id FROM club_tips_sent WHERE club_id = ?", (chat_id,)
            )
        }

    async def claim_tip(
        self,
        chat_id: int,
        tip_id: str | None,
        local_date: dt.date,
        next_tip: dt.datetime,
        new_round: bool,
    ) -> None:
        """Take today's tip off the schedule before posting it: never two in one day.

        `tip_id` None only moves the schedule on (already posted today, or a day
        missed while the bot was down).
        """
        statements: list[tuple[str, Sequence[Any]]] = []
        if tip_id is None:
            statements.append(
                ("UPDATE clubs SET next_tip_utc = ? WHERE chat_id = ?", (_utc(next_tip), chat_id))
            )
        else:
            statements.append(
                (
                    "UPDATE clubs SET next_tip_utc = ?, last_tip_date = ? WHERE chat_id = ?",
                    (_utc(next_tip), local_date.isoformat(), chat_id),
                )
            )
            if new_round:  # every tip has been posted: start the rotation again
                statements.append(("DELETE FROM club_tips_sent WHERE club_id = ?", (chat_id,)))
            statements.append(
                (
                    "INSERT OR REPLACE INTO club_tips_sent (club_id, tip_id, sent_on)"
                    " VALUES (?, ?, ?)",
                    (chat_id, tip_id, local_date.isoformat()),
                )
            )
        await self._write(*statements)

    async def release_tip(
        self, chat_id: int, tip_id: str, previous_date: dt.date | None, retry_at: dt.datetime
    ) -> None:
        """A tip that could not be posted goes back on the schedule."""
        await self._write(
            (
                "UPDATE clubs SET next_tip_utc = ?, last_tip_date = ? WHERE chat_id = ?",
                (_utc(retry_at), previous_date.isoformat() if previous_date else None, chat_id),
            ),
            (
                "DELETE FROM club_tips_sent WHERE club_id = ? AND tip_id = ?",
                (chat_id, tip_id),
            ),
        )

    async def join_club_stats(self, club_id: int, user_id: int) -> None:
        await self._write(
            (
                "INSERT OR IGNORE INTO club_members (club_id, user_id) VALUES (?, ?)",
                (club_id, user_id),
            )
        )

    async def leave_club_stats(self, club_id: int, user_id: int) -> None:
        await self._write(
            ("DELETE FROM club_members WHERE club_id = ? AND user_id = ?", (club_id, user_id))
        )

    async def counted_in(self, user_id: int) -> list[Club]:
        """The clubs whose anonymous stats count this runner."""
        return [
            _club(row)
            for row in await self._rows(
                "SELECT c.* FROM clubs c JOIN club_members m ON m.club_id = c.chat_id"
                " WHERE m.user_id = ? ORDER BY c.title",
                (user_id,),
            )
        ]

    async def club_stats(self, club_id: int, running_from_stage: int) -> ClubStats:
        """Counts only: members, active plans, and back to running (a running stage or done)."""
        async with self._db.execute(
            "SELECT count(*),"
            " count(*) FILTER (WHERE e.status = 'active'),"
            " count(*) FILTER (WHERE e.status = 'resolved'"
            "   OR (e.status = 'active' AND e.stage >= ?))"
            " FROM club_members m LEFT JOIN episodes e ON e.id = ("
            "   SELECT id FROM episodes WHERE chat_id = m.user_id ORDER BY id DESC LIMIT 1)"
            " WHERE m.club_id = ?",
            (running_from_stage, club_id),
        ) as cur:
            row = await cur.fetchone()
        assert row is not None  # noqa: S101 - an aggregate always returns a row
        return ClubStats(row[0], row[1], row[2])

    # Export, forget, counts ----------------------------------------------------------

    async def export(self, chat_id: int) -> dict[str, Any]:
        """Everything stored about one user, as plain JSON-ready values."""
        tables = {
            "user": ("SELECT * FROM users WHERE chat_id = ?", True),
            "episodes": ("SELECT * FROM episodes WHERE chat_id = ? ORDER BY id", False),
            "checkins": (
                "SELECT c.* FROM checkins c JOIN episodes e ON e.id = c.episode_id"
                " WHERE e.chat_id = ? ORDER BY c.episode_id, c.local_date",
                False,
            ),
            "events": ("SELECT * FROM events WHERE chat_id = ? ORDER BY id", False),
            "club_stats_memberships": (
                "SELECT club_id FROM club_members WHERE user_id = ? ORDER BY club_id",
                False,
            ),
        }
        document: dict[str, Any] = {}
        for name, (sql, single) in tables.items():
            rows = [dict(row) for row in await self._rows(sql, (chat_id,))]
            document[name] = (rows[0] if rows else None) if single else rows
        return document

    async def forget(self, chat_id: int) -> None:
        """Delete every row about the user (episodes, check-ins and events cascade).

        With secure_delete the freed bytes are zeroed; the checkpoint then copies
        those pages into the file and empties the WAL, so no old copy remains.
        """
        await self._write(("DELETE FROM users WHERE chat_id = ?", (chat_id,)))
        await self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    async def counts(self, today_utc: dt.date) -> dict[str, int]:
        """Anonymous totals for the operator."""
        return {
            "users": await self._scalar("SELECT count(*) FROM users"),
            "active_plans": await self._scalar(
                "SELECT count(*) FROM episodes WHERE status = 'active'"
            ),
            "checkins_today": await self._scalar(
                "SELECT count(*) FROM checkins WHERE local_date = ?", (today_utc.isoformat(),)
            ),
        }
