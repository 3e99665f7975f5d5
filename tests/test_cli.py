"""The command line as an admin or developer uses it: real processes, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.knowledge_edits import edit

ROOT = Path(__file__).resolve().parent.parent


def run_bot(
    *args: str, stdin: str = "", env: dict[str, str] | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
        check=False,
        env={**base, "TELEGRAM_BOT_TOKEN": "", **(env or {})},
    )


def test_kb_check_passes_on_the_real_knowledge_base() -> None:
    result = run_bot("kb", "check")
    assert result.returncode == 0, result.stderr
    assert "knowledge base OK: 29 topics" in result.stdout


def test_kb_check_fails_with_file_and_line(kb_copy: Path) -> None:
    path = kb_copy / "topics" / "chat.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("kind: smalltalk", "kind: chit"))
    result = run_bot("--knowledge", str(kb_copy), "kb", "check")
    assert result.returncode == 1
    assert f"{path}:" in result.stderr
    assert "kind must be one of answer, urgent, smalltalk" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_bot_refuses_to_start_on_an_invalid_knowledge_base(kb_copy: Path) -> None:
    (kb_copy / "red_flags.yaml").write_text("levels: [oops\n", encoding="utf-8")
    result = run_bot("--knowledge", str(kb_copy), stdin="hello\n")
    assert result.returncode == 1
    assert "red_flags.yaml:2: invalid YAML" in result.stderr
    assert "you>" not in result.stdout


def test_ask_prints_the_answer_with_its_source() -> None:
    result = run_bot("ask", "can I take tylenol")
    assert result.returncode == 0
    assert "<b>Paracetamol / Tylenol</b>" in result.stdout
    assert "Source: ACP 2017 guideline" in result.stdout
    assert "[1] " in result.stdout  # related topics, as numbered buttons


def test_ask_json_has_the_documented_shape() -> None:
    result = run_bot("ask", "--json", "heat or ice for my back?")
    payload = json.loads(result.stdout)
    assert set(payload) == {"kind", "topic", "score", "alternatives", "text"}
    assert (payload["kind"], payload["topic"]) == ("answer", "heat-and-ice")
    assert all(set(alt) == {"topic", "score"} for alt in payload["alternatives"])


def test_ask_reads_one_message_per_line_from_stdin() -> None:
    messages = ["ice bath after long runs?", "I wet myself on my run", "hi", ""]
    result = run_bot("ask", "--json", "-", stdin="\n".join(messages) + "\n")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(x["kind"], x["topic"]) for x in lines] == [
        ("fallback", None),
        ("urgent", "red-flags"),
        ("smalltalk", "greeting"),
        ("fallback", None),
    ]
    assert "emergency department" in lines[1]["text"]


def test_playground_is_the_real_bot_in_a_terminal(tmp_path: Path) -> None:
    result = run_bot(
        stdin="should I see a physio\n1\n9\nI wet myself on my run\nquit\n", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "TELEGRAM_BOT_TOKEN" in out.splitlines()[2]  # how to connect a real token
    welcome, physio, picked, stale, urgent, bye = (
        out.split("\nyou> ")[0:1] + out.split("you> ")[1:]
    )
    assert "not medical advice" in welcome
    assert "[3] Start a recovery plan" in welcome
    assert "physical therap" in physio.lower()
    label = physio.split("  [1] ")[1].splitlines()[0]
    assert picked.strip().startswith(f"RunBack: {label}")
    # "9" is no button here: it goes to the bot as a message and gets a short reply.
    assert "RunBack:" in stale
    assert "Source:" not in stale
    assert "emergency department" in urgent
    assert "Bye" in bye
    assert "<b>" not in out  # HTML is rendered for the terminal


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TELEGRAM_BOT_TOKEN": "not-a-token"}, "TELEGRAM_BOT_TOKEN does not look like"),
        ({"DEFAULT_TIMEZONE": "Narnia/Cair"}, "DEFAULT_TIMEZONE"),
        ({"WORKERS": "two"}, "WORKERS must be a whole number from 1 to 32, got 'two'"),
        ({"WORKERS": "0"}, "WORKERS must be a whole number from 1 to 32, got '0'"),
        (
            {
                "TELEGRAM_BOT_TOKEN": "123456:ABCdef-not-real",
                "WEBHOOK_URL": "https://runback.example.org/telegram",
                "WEBHOOK_SECRET": "a-secret-of-enough-length",
                "WORKERS": "2",
            },
            "WORKERS above 1 works with long polling only",
        ),
    ],
)
def test_bad_configuration_is_one_line_and_exit_2(env: dict[str, str], message: str) -> None:
    result = run_bot(env=env)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert message in result.stderr
    assert "not-a-token" not in result.stderr


def test_playground_tries_a_recovery_plan_with_tomorrow(tmp_path: Path) -> None:
    typed = "/plan\nToday\n4\nskip\nNo\n/tomorrow\n2\nDone, felt fine\n/progress\nquit\n"
    result = run_bot(stdin=typed, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    replies = result.stdout.split("you> ")[1:]
    assert "stage 2 of 7: Walking" in replies[4]
    assert "clock jumps ahead" in replies[5]
    assert "[0] [1] [2] [3] [4] [5] [6] [7] [8] [9] [10]" in replies[5]
    assert "Holding at Walking" in replies[7] or "Moving up" in replies[7]
    assert "[chart," in replies[8]
    assert not list(tmp_path.iterdir())  # the playground keeps nothing on disk


@pytest.mark.parametrize(
    ("file", "old", "new", "reason"),
    [
        ("topics/chat.yaml", "kind: smalltalk", "kind: chit", "kind must be one of"),
        ("red_flags.yaml", "patterns:\n", "patterns:\n      - '(unclosed'\n", "invalid pattern"),
        ("lexicon.yaml", "\n", "\n  : [oops\n", "invalid YAML"),
        ("matching.yaml", "clarify_score: 20", "clarify_score: twenty", "clarify_score"),
        ("out_of_scope.yaml", "examples:", "exemples:", "out of scope"),
        ("ladder.yaml", "min_days: 2", "min_days: 0", "min_days"),
        ("tips.yaml", "id: it-usually-passes", "id: keep-moving", "duplicate"),
    ],
)
def test_each_kind_of_knowledge_mistake_stops_the_bot_at_start_up(
    kb_copy: Path, file: str, old: str, new: str, reason: str
) -> None:
    path = kb_copy / file
    edit(path, old, new)
    result = run_bot(
        "--knowledge", str(kb_copy), env={"TELEGRAM_BOT_TOKEN": "123456:ABC-not-real"}
    )
    assert result.returncode == 1
    located = [line for line in result.stderr.splitlines() if line.startswith(f"{path}:")]
    assert located, result.stderr  # file:line: reason
    assert any(reason in line for line in located), result.stderr
    assert "Traceback" not in result.stderr
    assert "ABC-not-real" not in result.stderr


def test_a_yaml_syntax_error_is_reported_once_not_as_missing_fields(kb_copy: Path) -> None:
    edit(kb_copy / "lexicon.yaml", "\n", "\n  : [oops\n")
    result = run_bot("--knowledge", str(kb_copy), "kb", "check")
    assert result.returncode == 1
    assert "lexicon.yaml:2: invalid YAML" in result.stderr
    assert "missing required field" not in result.stderr
