"""The hostile input corpus against validation, the real command line, storage and offline generation.

Every case ends in a clear error (exit 2, the message names the problem) or a safe result: never a
crash, never a write outside GROKORC_HOME, stored text byte-identical, and valid requests still plan
and generate.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from grokorc_assets.storage.requests import RequestStore
from grokorc_assets.validation import BadInputError, decode_message, validate_message, validate_project_id
from grokorc_tests.hardening_tests.hostile_inputs import (
    MESSAGE_CASES,
    PROJECT_ID_CASES,
    Case,
    check_unique_names,
    corpus_size,
)
from grokorc_tests.hardening_tests.safety import Snapshot

GROKORC = [sys.executable, "-m", "grokorc_assets.cli"]
DRIVER = Path(__file__).with_name("cli_driver.py")
ARGV_LIMIT = 100_000  # below Linux's 128 KiB per argument
ESC = "\x1b"  # no output may carry a raw terminal escape taken from the input


def ids(cases: list[Case]) -> list[str]:
    return [c.name for c in cases]


def text_of(case: Case) -> str:
    """What grokorc sees: raw bytes come through argv (surrogateescape) or stdin (strict UTF-8)."""
    if isinstance(case.value, bytes):
        return os.fsdecode(case.value) if case.via == "auto" else case.value.decode("utf-8", "surrogateescape")
    return case.value


def transport(case: Case) -> tuple[dict, bytes | None]:
    """(the message argument, standard input): argv whenever a real argv could carry the value."""
    value = case.value
    if case.via == "stdin":
        data = value if isinstance(value, bytes) else value.encode("utf-8")
        return {"s": "-"}, data
    if isinstance(value, bytes):
        return {"b": base64.b64encode(value).decode()}, None
    if "\x00" in value or len(value.encode("utf-8", "surrogatepass")) >= ARGV_LIMIT:
        return {"s": "-"}, value.encode("utf-8")  # no argv can carry a NUL or this much
    return {"s": value}, None


def test_corpus_is_large_and_well_formed():
    check_unique_names()
    sizes = corpus_size()
    assert sum(sizes.values()) >= 200, sizes
    for category in ("empty", "length", "invalid-utf8-argv", "invalid-utf8-stdin", "control-c0", "control-del-c1",
                     "control-ansi", "bidi-emoji", "html-injection", "template-injection", "sql", "shell",
                     "prompt-injection", "id-traversal", "id-lookalike", "id-shape", "id-injection", "llm-output"):
        assert sizes.get(category, 0) >= 5 or category == "id-valid-edge", (category, sizes)


# -- validation, in process: every case ---------------------------------------------------------------


@pytest.mark.parametrize("case", MESSAGE_CASES, ids=ids(MESSAGE_CASES))
def test_message_validation(case: Case):
    def check() -> str:
        if isinstance(case.value, bytes) and case.via == "stdin":
            return validate_message(decode_message(case.value))
        return validate_message(text_of(case))

    if case.accepted:
        assert check() == (case.value.decode("utf-8") if isinstance(case.value, bytes) else case.value)
    else:
        with pytest.raises(BadInputError, match=case.error):
            check()


@pytest.mark.parametrize("case", PROJECT_ID_CASES, ids=ids(PROJECT_ID_CASES))
def test_project_id_validation(case: Case):
    if case.accepted:
        assert validate_project_id(case.value) == case.value
    else:
        with pytest.raises(BadInputError) as failure:
            validate_project_id(case.value)
        message = str(failure.value)
        assert message.isprintable() and message.isascii(), message  # escaped, never raw controls
        assert "invalid project id" in message and len(message) < 400


# -- the real command line: every case through cli.main in one driver process --------------------------


class CliRun:
    def __init__(self, results: dict, pids: dict[str, str], cwd: Path, problems: list[str]) -> None:
        self.results, self.pids, self.cwd, self.problems = results, pids, cwd, problems


def _job(job_id: str, argv: list[dict], stdin: bytes | None = None) -> dict:
    return {"id": job_id, "argv": argv, "stdin": base64.b64encode(stdin).decode() if stdin is not None else None}


def _jobs() -> tuple[list[dict], dict[str, str]]:
    jobs, pids = [], {}
    nonce = uuid.uuid4().hex[:8]
    for case in MESSAGE_CASES:
        if case.name == "lone-surrogate-str":
            message, stdin = {"s": case.value}, None  # only a Python caller can pass one (a str argv)
        else:
            message, stdin = transport(case)
        pid = pids[f"msg:{case.name}"] = f"h-{nonce}-{len(pids)}"
        if case.accepted:
            jobs.append(_job(f"msg:{case.name}", [{"s": "submit"}, message, {"s": "--project-id"}, {"s": pid}], stdin))
        else:
            jobs.append(_job(f"msg:{case.name}", [{"s": "build"}, message, {"s": "--project-id"}, {"s": pid},
                                                  {"s": "--json"}], stdin))
    for case in PROJECT_ID_CASES:
        if case.accepted:
            pids[f"id:{case.name}"] = f"Orders dashboard {nonce}"
            jobs.append(_job(f"id:{case.name}", [{"s": "submit"}, {"s": f"Orders dashboard {nonce}"},
                                                 {"s": "--project-id"}, {"s": case.value}]))
            continue
        jobs.append(_job(f"id:{case.name}", [{"s": "build"}, {"s": "Orders dashboard"}, {"s": "--project-id"},
                                             {"s": case.value}, {"s": "--json"}]))
        jobs.append(_job(f"report:{case.name}", [{"s": "report"}, {"s": case.value}, {"s": "--json"}]))
        jobs.append(_job(f"approve:{case.name}", [{"s": "approve"}, {"s": case.value}]))
    for name in ("script", "img-onerror", "jinja-block", "drop-requests", "ignore-write-passwd", "rlo"):
        case = next(c for c in MESSAGE_CASES if c.name == name)
        jobs.append(_job(f"plan:{name}", [{"s": "plan"}, {"s": case.value}, {"s": "--json"}]))
    for name in ("empty", "20001", "c0-1b", "argv-byte-ff"):
        case = next(c for c in MESSAGE_CASES if c.name == name)
        jobs.append(_job(f"plan:{name}", [{"s": "plan"}, transport(case)[0], {"s": "--json"}], transport(case)[1]))
    return jobs, pids


@pytest.fixture(scope="module")
def cli_run(cli_env, grokorc_home, tmp_path_factory) -> CliRun:
    cwd = tmp_path_factory.mktemp("hostile-cwd")
    jobs, pids = _jobs()
    (cwd.parent / "jobs.json").write_text(json.dumps(jobs))
    before = Snapshot.take(grokorc_home, cwd)
    proc = subprocess.run([sys.executable, str(DRIVER), str(cwd.parent / "jobs.json"), str(cwd.parent / "out.json")],
                          env={**cli_env, "COLUMNS": "10000"}, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = {r["id"]: r for r in json.loads((cwd.parent / "out.json").read_text())}
    assert len(results) == len(jobs)
    return CliRun(results, pids, cwd, before.problems_since())


def _assert_clean(result: dict) -> None:
    assert result["crash"] is None, result["crash"]
    assert "Traceback" not in result["stderr"] + result["stdout"]
    assert ESC not in result["stderr"], "a raw escape sequence reached the terminal"


@pytest.mark.parametrize("case", MESSAGE_CASES, ids=ids(MESSAGE_CASES))
def test_message_through_cli(cli_run: CliRun, engine, case: Case):
    result = cli_run.results[f"msg:{case.name}"]
    _assert_clean(result)
    stored = RequestStore(engine).get(cli_run.pids[f"msg:{case.name}"])
    if case.accepted:
        assert result["code"] == 0, result
        expected = case.value.decode("utf-8") if isinstance(case.value, bytes) else case.value
        assert stored is not None and stored.message == expected  # byte-identical round trip
        assert stored.message.encode("utf-8") == expected.encode("utf-8")
    else:
        assert result["code"] == 2, result
        assert result["stderr"].startswith("error: "), result["stderr"][:300]
        assert re.search(case.error, result["stderr"]), (case.error, result["stderr"][:300])
        assert stored is None, "a rejected request must not be stored"


@pytest.mark.parametrize("case", PROJECT_ID_CASES, ids=ids(PROJECT_ID_CASES))
def test_project_id_through_cli(cli_run: CliRun, engine, case: Case):
    if case.accepted:
        result = cli_run.results[f"id:{case.name}"]
        _assert_clean(result)
        assert result["code"] == 0, result
        stored = RequestStore(engine).get(case.value)
        assert stored is not None and stored.message == cli_run.pids[f"id:{case.name}"]
        return
    for command in ("id", "report", "approve"):
        result = cli_run.results[f"{command}:{case.name}"]
        _assert_clean(result)
        assert result["code"] == 2, (command, result)
        assert re.search(case.error, result["stderr"]), (command, case.error, result["stderr"][:300])
        assert len(result["stderr"]) < 1000, "the error must stay readable (long ids are cut)"


def test_plan_command_on_hostile_messages(cli_run: CliRun):
    for job_id, result in cli_run.results.items():
        if not job_id.startswith("plan:"):
            continue
        _assert_clean(result)
        if job_id in ("plan:empty", "plan:20001", "plan:c0-1b", "plan:argv-byte-ff"):
            assert result["code"] == 2 and result["stderr"].startswith("error: "), (job_id, result)
            continue
        assert result["code"] == 0, (job_id, result)
        plan = json.loads(result["stdout"])
        assert plan["archetype"] in {"dashboard", "ecommerce", "chat", "content", "crud", "landing", "api", "game",
                                     "ml", "booking", "social", "cli"}
        assert 0.0 <= plan["confidence"] <= 1.0


def test_hostile_cli_input_wrote_nothing_outside(cli_run: CliRun, grokorc_home: Path, settings):
    assert cli_run.problems == []
    assert list(cli_run.cwd.iterdir()) == [], "nothing may be written to the working directory"
    # Only valid ids ever became project directories.
    if settings.projects_dir.exists():
        for entry in settings.projects_dir.iterdir():
            validate_project_id(entry.name)


def test_stored_tables_survive_sql_fragments(cli_run: CliRun, engine):
    with engine.connect() as conn:
        for table in ("project_requests", "results", "llm_exchanges"):
            assert conn.execute(sa.text("SELECT to_regclass(:t)"), {"t": f"grokorc.{table}"}).scalar() is not None
        pid = cli_run.pids["msg:drop-requests"]
        rows = conn.execute(sa.text("SELECT message FROM grokorc.project_requests WHERE project_id = :p"),
                            {"p": pid}).scalars().all()
    assert rows == ["'; DROP TABLE grokorc.project_requests; --"]


# -- a sample through real `grokorc` subprocesses: real argv bytes, real stdin --------------------------

SUBPROCESS_SAMPLE = [
    ("argv invalid UTF-8", [b"build", b"Orders \xff\xfe dashboard", b"--project-id", b"h-bytes"], None, 2,
     "not valid UTF-8"),
    ("stdin invalid UTF-8", ["build", "-", "--project-id", "h-stdin"], b"Caf\xe9 menu", 2,
     r"not valid UTF-8 \(byte 0xe9 at offset 3\)"),
    ("stdin NUL", ["submit", "-", "--project-id", "h-nul"], b"Orders\x00dashboard", 2, "U\\+0000"),
    ("traversal id", ["build", "Orders dashboard", "--project-id", "../etc"], None, 2, "invalid project id '../etc'"),
    ("markup id", ["report", "[/]"], None, 2, r"invalid project id '\[/\]'.*\^\[a-z0-9\]\[a-z0-9-\]"),
]


@pytest.mark.parametrize(("argv", "stdin", "code", "error"), [s[1:] for s in SUBPROCESS_SAMPLE],
                         ids=[s[0] for s in SUBPROCESS_SAMPLE])
def test_real_cli_subprocess(cli_env, grokorc_home, tmp_path, argv, stdin, code, error):
    before = Snapshot.take(grokorc_home, tmp_path)
    command = [os.fsencode(a) for a in GROKORC] + [a if isinstance(a, bytes) else a.encode() for a in argv]
    proc = subprocess.run(command, env={**cli_env, "COLUMNS": "10000"}, cwd=tmp_path, input=stdin or b"",
                          capture_output=True, timeout=120)
    stderr = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == code, stderr
    assert "Traceback" not in stderr and b"\x1b" not in proc.stderr
    assert re.search(error, stderr), stderr
    assert before.problems_since() == [] and list(tmp_path.iterdir()) == []
