"""run_sandboxed itself: isolation under bwrap, limits, and the forced rlimit-only degradation."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from grokorc_assets.sandbox import Limits, is_denied, run_sandboxed

PY = sys.executable


def _py(code: str, workdir: Path, limits: Limits | None = None, **kw):
    return run_sandboxed([PY, "-c", code], workdir=workdir, limits=limits or Limits(wall_seconds=30), **kw)


def test_bwrap_child_runs_unprivileged_and_sees_little(tmp_path: Path) -> None:
    code = ("import json, os, socket; print(json.dumps({'uid': os.getuid(), 'root': os.listdir('/root'),"
            " 'nets': [n for _, n in socket.if_nameindex()], 'cwd': os.getcwd(), 'pid': os.getpid()}))")
    result = _py(code, tmp_path)
    assert result.mode == "bwrap" and result.ok, result.stderr_tail
    seen = json.loads(result.stdout_tail)
    assert seen["uid"] == result.uid and seen["uid"] != 0
    assert seen["nets"] == ["lo"]
    assert seen["cwd"] == str(tmp_path)
    assert seen["pid"] < 10  # own pid namespace
    assert ".ssh" not in seen["root"] and ".bash_history" not in seen["root"]
    assert tmp_path.stat().st_uid == 0  # workspace handed back to the caller


def test_caller_env_is_filtered(tmp_path: Path) -> None:
    result = _py("import os, json; print(json.dumps(dict(os.environ)))", tmp_path,
                 env={"FEATURE_FLAG": "on", "STRIPE_API_KEY": "x", "GROKORC_HOME": "/x", "DB_PASSWORD": "p"})
    seen = json.loads(result.stdout_tail)
    assert seen["FEATURE_FLAG"] == "on"
    assert result.env_dropped == ["DB_PASSWORD", "GROKORC_HOME", "STRIPE_API_KEY"]
    assert not any(is_denied(name) for name in seen)


def test_file_size_and_cpu_limits(tmp_path: Path) -> None:
    big = _py("open('big', 'wb').write(b'x' * 3 * 1024 * 1024)", tmp_path,
              Limits(wall_seconds=30, file_size_mb=1))
    assert big.exit_code == 1 and "File too large" in big.stderr_tail
    assert (tmp_path / "big").stat().st_size <= 1024 * 1024
    spin = _py("while True: pass", tmp_path, Limits(wall_seconds=30, cpu_seconds=1))
    assert not spin.timed_out
    assert spin.killed_by in {"SIGXCPU", "SIGKILL"}


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _uid_alive(uid: int) -> bool:
    return any(entry.name.isdigit() and entry.stat(follow_symlinks=False).st_uid == uid
               for entry in os.scandir("/proc"))


@pytest.mark.parametrize("mode", ["bwrap", "rlimit-only"])
def test_timeout_kills_children_too(tmp_path: Path, mode: str) -> None:
    # The child starts a grandchild that records its pid and spins; after the kill both are gone.
    grandchild = "import os\nopen('pid', 'w').write(str(os.getpid()))\nwhile True: pass"
    code = (f"import subprocess, time\nsubprocess.Popen([{PY!r}, '-c', {grandchild!r}])\n"
            "while True: time.sleep(1)")
    result = _py(code, tmp_path, Limits(wall_seconds=5, grace_seconds=1), mode=mode)
    assert result.timed_out and result.mode == mode
    assert (tmp_path / "pid").read_text()  # the grandchild did start
    if mode == "bwrap":
        assert not _uid_alive(result.uid)
    else:  # host pid: the grandchild shared the killed process group
        assert not _alive(int((tmp_path / "pid").read_text()))


def test_rlimit_only_scrubs_env_and_limits_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-rlimit-only")
    result = _py("import os, json; print(json.dumps(dict(os.environ))); bytearray(4 * 1024 ** 3)",
                 tmp_path, Limits(wall_seconds=30, memory_mb=512), mode="rlimit-only")
    assert result.mode == "rlimit-only"
    assert "sk-test-rlimit-only" not in result.stdout_tail
    assert "MemoryError" in result.stderr_tail
    assert any("no filesystem isolation" in note for note in result.notes)
    assert any("RLIMIT_NPROC" in note for note in result.notes)


def test_forced_bwrap_mode_fails_loudly_when_unusable(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    import grokorc_assets.sandbox.runner as runner

    monkeypatch.setattr(runner, "bwrap_usable", lambda: (False, "bwrap not found on PATH"))
    with pytest.raises(RuntimeError, match="bwrap not found"):
        _py("pass", tmp_path, mode="bwrap")
    degraded = _py("print('hi')", tmp_path)
    assert degraded.mode == "rlimit-only" and degraded.stdout_tail == "hi\n"
    assert "degraded to rlimit-only: bwrap not found on PATH" in degraded.notes
