"""Hostile generated tests: each must be contained by the sandbox and still reported.

Every project here is written into tmp and run for real under bwrap + rlimits.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
from pathlib import Path

import pytest

from grokorc_assets.sandbox import Limits
from grokorc_assets.sandbox.config import defaults as sandbox_defaults
from grokorc_assets.testrun import run_python_tests
from grokorc_tests.testrun_tests.projects import python_project


def _sandbox_pids() -> list[int]:
    """Host processes running under any sandbox uid (there must be none after a run)."""
    cfg = sandbox_defaults()
    low, high = cfg["sandbox_uid_base"], cfg["sandbox_uid_base"] + cfg["sandbox_uid_span"]
    pids = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if low <= entry.stat(follow_symlinks=False).st_uid < high:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def _run(project: Path, limits: Limits):
    report = run_python_tests(project, source_dirs=["app"], test_dir="tests", limits=limits)
    assert report.sandbox_mode == "bwrap", report.notes
    assert _sandbox_pids() == []
    return report


def test_endless_loop_is_killed_at_the_timeout(tmp_path: Path) -> None:
    hang = {"tests/test_hang.py": """\
        from app.calc import add


        def test_hang():
            assert add(1, 2) == 3
            while True:
                pass
        """}
    project = python_project(tmp_path / "proj", extra_tests=hang)
    report = _run(project, Limits(wall_seconds=4, grace_seconds=2, processes=32))
    assert report.timed_out
    assert report.killed_by in {"SIGTERM", "SIGKILL"}
    # No JUnit XML from a killed pytest, but coverage saved its data on SIGTERM.
    assert report.junit_xml is None
    assert any("no JUnit XML" in note for note in report.notes)
    assert report.measured and report.value > 0


def test_memory_hog_hits_the_memory_limit(tmp_path: Path) -> None:
    hog = {"tests/test_hog.py": """\
        def test_allocate_4_gb():
            block = bytearray(4 * 1024 ** 3)
            assert len(block) > 0
        """}
    project = python_project(tmp_path / "proj", extra_tests=hog)
    report = _run(project, Limits(wall_seconds=60, memory_mb=1024, processes=32))
    assert not report.timed_out
    assert (report.tests_passed, report.tests_failed) == (2, 1)
    [failure] = report.failures
    assert failure.test_id == "tests.test_hog::test_allocate_4_gb"
    assert "MemoryError" in failure.message
    assert report.value == 100.0


def test_fork_bomb_is_capped_by_the_process_limit(tmp_path: Path) -> None:
    # Children block on a pipe, so the count of successful forks is what the limit allowed.
    bomb = {"tests/test_bomb.py": """\
        import os


        def test_fork_until_refused():
            read_end, write_end = os.pipe()
            forked = 0
            try:
                while True:
                    if os.fork() == 0:
                        os.close(write_end)
                        os.read(read_end, 1)
                        os._exit(0)
                    forked += 1
            except OSError as exc:
                raise AssertionError(f"forked {forked} then {exc!r}")
        """}
    project = python_project(tmp_path / "proj", extra_tests=bomb)
    report = _run(project, Limits(wall_seconds=60, processes=24))
    [failure] = report.failures
    assert "Resource temporarily unavailable" in failure.message
    forked = int(re.search(r"forked (\d+)", failure.message).group(1))
    assert 0 < forked < 24
    assert report.tests_passed == 2 and report.value == 100.0


def test_endless_fork_bomb_is_contained_and_killed(tmp_path: Path) -> None:
    bomb = {"tests/test_bomb.py": """\
        import os


        def test_bomb():
            while True:
                try:
                    os.fork()
                except OSError:
                    pass
        """}
    project = python_project(tmp_path / "proj", extra_tests=bomb)
    report = _run(project, Limits(wall_seconds=4, grace_seconds=1, processes=16))
    assert report.timed_out
    # The machine is fine: no sandbox process survived (checked in _run) and we can still fork.
    assert subprocess.run(["true"], check=False).returncode == 0


def test_planted_secrets_do_not_reach_the_tests(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    planted = {
        "OPENAI_API_KEY": "sk-test-planted-0123456789",
        "GROKORC_DATABASE_URL": "postgresql://admin:hunter2@db.internal/grokorc",
        "AWS_SECRET_ACCESS_KEY": "aws-planted-secret",
        "SOME_SERVICE_TOKEN": "token-planted",
    }
    for name, value in planted.items():
        monkeypatch.setenv(name, value)
    snoop = {"tests/test_snoop.py": f"""\
        import json
        import os


        def test_look_for_secrets():
            seen = dict(os.environ)
            try:
                seen["parent_environ"] = open("/proc/{os.getpid()}/environ").read()
            except OSError as exc:
                seen["parent_environ_error"] = repr(exc)
            with open("env_seen.json", "w") as handle:
                json.dump(seen, handle)
            assert "OPENAI_API_KEY" not in os.environ
        """}
    project = python_project(tmp_path / "proj", extra_tests=snoop)
    report = _run(project, Limits(wall_seconds=60, processes=32))
    assert report.tests_passed == 3, report.failures
    seen_text = (project / "env_seen.json").read_text()
    for name, value in planted.items():
        assert name not in seen_text and value not in seen_text
    seen = json.loads(seen_text)
    assert "parent_environ_error" in seen
    assert seen["HOME"] == "/tmp"


def test_writes_outside_the_workspace_fail(tmp_path: Path) -> None:
    targets = ["/work/main/should_not_exist", "/etc/grokorc_pwn", "/root/grokorc_pwn",
               "/usr/grokorc_pwn", str(tmp_path / "outside_workspace")]
    escape = {"tests/test_escape.py": f"""\
        import pytest

        TARGETS = {targets!r}


        @pytest.mark.parametrize("target", TARGETS)
        def test_write_outside(target):
            with open(target, "w") as handle:
                handle.write("pwned")
        """}
    project = python_project(tmp_path / "proj", extra_tests=escape)
    report = _run(project, Limits(wall_seconds=60, processes=32))
    assert report.tests_failed == len(targets)
    assert all(("Error" in f.message) for f in report.failures)
    for target in targets:
        assert not Path(target).exists(), target


def test_network_to_a_listening_host_port_fails(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]
        phone_home = {"tests/test_net.py": f"""\
            import socket


            def test_phone_home():
                with socket.create_connection(("127.0.0.1", {port}), timeout=5) as conn:
                    conn.sendall(b"stolen")
            """}
        project = python_project(tmp_path / "proj", extra_tests=phone_home)
        report = _run(project, Limits(wall_seconds=60, processes=32))
        [failure] = report.failures
        assert "ConnectionRefusedError" in failure.message or "unreachable" in failure.message
        listener.setblocking(False)
        with pytest.raises(BlockingIOError):
            listener.accept()  # nothing ever connected
