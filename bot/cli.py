"""Command line: `python -m bot [kb check | ask MESSAGE | ask - | backup PATH | stats]`.

No command runs the bot (on Telegram with a token, else the local playground).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from telegram.error import InvalidToken

from bot import operations
from bot.cli_render import render_numbered
from bot.knowledge import DEFAULT_KNOWLEDGE_DIR, KnowledgeBase, KnowledgeError, load_knowledge
from bot.logging_setup import configure_logging
from bot.matcher import Match, Matcher
from bot.playground import run_playground
from bot.replies import Reply, reply_for
from bot.runner import run_telegram
from bot.settings import SettingsError, load_settings
from bot.storage import database_problem
from bot.workers import WorkerFailed

EXIT_INVALID_KB = 1
EXIT_BAD_CONFIG = 2
EXIT_BAD_DATABASE = 3
EXIT_CRASHED = 1  # like Python's own status for an uncaught exception


def _load_or_report(directory: Path, err: TextIO) -> KnowledgeBase | None:
    try:
        return load_knowledge(directory)
    except KnowledgeError as exc:
        for problem in exc.problems:
            print(problem, file=err)
        print(f"knowledge base invalid: {len(exc.problems)} problem(s)", file=err)
        return None


def match_json(match: Match, reply: Reply) -> str:
    return json.dumps(
        {
            "kind": match.kind,
            "topic": match.topic,
            "score": match.score,
            "alternatives": [{"topic": a.topic, "score": a.score} for a in match.alternatives],
            "text": reply.html,
        },
        ensure_ascii=False,
    )


def _ask(args: argparse.Namespace, kb: KnowledgeBase, out: TextIO, stdin: TextIO) -> int:
    matcher = Matcher(kb)
    messages = (line.rstrip("\n") for line in stdin) if args.message == "-" else [args.message]
    for message in messages:
        match = matcher.match(message)
        reply = reply_for(kb, match)
        print(match_json(match, reply) if args.json else render_numbered(reply), file=out)
        out.flush()
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="RunBack")
    parser.add_argument(
        "--knowledge", type=Path, default=DEFAULT_KNOWLEDGE_DIR, help="knowledge directory"
    )
    commands = parser.add_subparsers(dest="command")
    kb = commands.add_parser("kb", help="knowledge-base tools")
    kb.add_argument("action", choices=["check"], help="validate every knowledge file")
    ask = commands.add_parser("ask", help="print what the bot would reply to a message")
    ask.add_argument("message", help="the message, or - to read one message per line from stdin")
    ask.add_argument("--json", action="store_true", help="one JSON object per message")
    backup = commands.add_parser("backup", help="consistent copy of the live database")
    backup.add_argument("path", type=Path, help="the backup file to create (must not exist)")
    commands.add_parser("stats", help="anonymous counts for the operator")
    return parser


def main(
    argv: Sequence[str] | None = None,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
    stdin: TextIO = sys.stdin,
) -> int:
    args = _parser().parse_args(argv)
    if args.command == "backup":
        return operations.backup(args.path, out, err)
    if args.command == "stats":
        return operations.stats(out, err)
    kb = _load_or_report(args.knowledge, err)
    if kb is None:
        return EXIT_INVALID_KB
    if args.command == "kb":
        rules = len(kb.red_flags.rules)
        counts = f"{len(kb.topics)} topics, {rules} red-flag rules, {len(kb.tips)} club tips"
        print(f"knowledge base OK: {counts}", file=out)
        return 0
    if args.command == "ask":
        return _ask(args, kb, out, stdin)
    return _run(kb, args.knowledge, stdin, out, err)


def _run(kb: KnowledgeBase, knowledge_dir: Path, stdin: TextIO, out: TextIO, err: TextIO) -> int:
    """With a token: Telegram. Without: the local playground."""
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=err)
        return EXIT_BAD_CONFIG
    secrets = [s for s in (settings.token, settings.webhook_secret) if s]
    configure_logging(settings.log_level if settings.token else logging.WARNING, secrets, err)
    if settings.token is None:
        return asyncio.run(run_playground(kb, stdin, out))
    problem = asyncio.run(database_problem(settings.database_path))
    if problem is not None:
        print(f"database error: {problem}", file=err)
        return EXIT_BAD_DATABASE
    try:
        run_telegram(settings, kb, knowledge_dir)
    except InvalidToken:  # PTB's own message would quote the token: never print it
        print("configuration error: Telegram rejected TELEGRAM_BOT_TOKEN", file=err)
        return EXIT_BAD_CONFIG
    except WorkerFailed as exc:  # logged where it happened; the service manager restarts us
        logging.getLogger("bot").error("RunBack stopped: %s", exc)
        return EXIT_CRASHED
    except Exception:
        # Through logging, whose filter redacts the token and the webhook secret
        # from the message and the traceback alike.
        logging.getLogger("bot").exception("RunBack stopped on an unexpected error")
        return EXIT_CRASHED
    return 0
