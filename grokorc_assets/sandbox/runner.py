"""``run_sandboxed``: run one command under bwrap + rlimits, or rlimits only when bwrap is unusable."""

from __future__ import annotations

import os
import resource
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Literal

from grokorc_assets.sandbox.bwrap import SANDBOX_TMP, build_argv, bwrap_usable
from grokorc_assets.sandbox.config import Limits, Mode, SandboxResult, defaults
from grokorc_assets.sandbox.env import build_env

_MB = 1024 * 1024
# After the main process is gone, how long we keep killing stragglers of the sandbox uid.
_REAP_SECONDS = 5.0


def _apply_rlimits(limits: Limits) -> None:
    """preexec_fn: runs in the forked child before exec, so the limits bind bwrap and all below."""
    pairs = {
        resource.RLIMIT_CPU: (limits.cpu_seconds, limits.cpu_seconds + 1),  # SIGXCPU, then SIGKILL
        resource.RLIMIT_AS: (limits.memory_mb * _MB,) * 2,
        resource.RLIMIT_FSIZE: (limits.file_size_mb * _MB,) * 2,
        resource.RLIMIT_NPROC: (limits.processes,) * 2,
        resource.RLIMIT_NOFILE: (limits.open_files,) * 2,
        resource.RLIMIT_CORE: (0, 0),  # no core dumps into the workspace
    }
    for which, value in pairs.items():
        resource.setrlimit(which, value)


def _pids_of_uid(uid: int) -> list[int]:
    """Host pids owned by ``uid`` (the sandbox uid is used by nothing else)."""
    pids = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if entry.stat(follow_symlinks=False).st_uid == uid:
                    pids.append(int(entry.name))
            except OSError:  # exited meanwhile
                continue
    return pids


def _kill(pids: Iterable[int], sig: int) -> None:
    for pid in pids:
        try:
            os.kill(pid, sig)
        except (ProcessLookupError, PermissionError):
            continue


def _killpg(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _terminate(proc: subprocess.Popen[bytes], uid: int | None, limits: Limits) -> None:
    """SIGTERM the command (not bwrap, whose death would SIGKILL everything at once), then SIGKILL."""
    if uid is not None:
        _kill(_pids_of_uid(uid), signal.SIGTERM)
    else:
        _killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=limits.grace_seconds)
    except subprocess.TimeoutExpired:
        _killpg(proc.pid, signal.SIGKILL)
        if uid is not None:
            _kill(_pids_of_uid(uid), signal.SIGKILL)
        proc.wait()


def _reap(proc: subprocess.Popen[bytes], uid: int | None) -> list[str]:
    """Kill whatever the command left behind (daemons, fork-bomb children)."""
    _killpg(proc.pid, signal.SIGKILL)
    if uid is None:
        return []
    deadline = time.monotonic() + _REAP_SECONDS
    while pids := _pids_of_uid(uid):
        if time.monotonic() > deadline:
            return [f"{len(pids)} process(es) of uid {uid} survived the reap"]
        _kill(pids, signal.SIGKILL)
        time.sleep(0.02)  # give the kernel a moment to tear them down
    return []


def _tail(handle: IO[bytes], limit: int) -> str:
    handle.flush()
    size = handle.seek(0, os.SEEK_END)
    handle.seek(max(0, size - limit))
    return handle.read().decode("utf-8", errors="replace")


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _exit_status(returncode: int, mode: Mode) -> tuple[int | None, str | None]:
    """(exit_code, killed_by). bwrap reports a child killed by signal N as exit 128+N."""
    if returncode < 0:
        return None, _signal_name(-returncode)
    if mode == "bwrap" and 128 < returncode <= 128 + 64:
        return returncode, _signal_name(returncode - 128)
    return returncode, None


def _chown_tree(root: Path, uid: int, gid: int) -> None:
    """lchown everything under root (symlinks themselves, never their targets)."""
    os.lchown(root, uid, gid)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            try:
                os.lchown(os.path.join(dirpath, name), uid, gid)
            except FileNotFoundError:
                continue


def _pick_uid() -> int:
    cfg = defaults()
    while True:
        uid = cfg["sandbox_uid_base"] + secrets.randbelow(cfg["sandbox_uid_span"])
        if not _pids_of_uid(uid):
            return uid


def _choose_mode(requested: Literal["auto", "bwrap", "rlimit-only"]) -> tuple[Mode, list[str]]:
    if requested == "rlimit-only":
        return "rlimit-only", ["rlimit-only mode requested by the caller"]
    if os.geteuid() != 0:
        reason = "bwrap mode needs root (to drop to a throw-away uid); not root"
    else:
        usable, reason = bwrap_usable()
        if usable:
            return "bwrap", []
    if requested == "bwrap":
        raise RuntimeError(f"bwrap sandbox requested but unusable: {reason}")
    return "rlimit-only", [f"degraded to rlimit-only: {reason}"]


_RLIMIT_ONLY_NOTES = [
    "no filesystem isolation: the command can write wherever the calling user can",
    "no network isolation",
    "no pid namespace: children that call setsid() escape the process-group kill",
]


def _interpreter_paths() -> list[Path]:
    return [Path(p) for p in {sys.prefix, sys.base_prefix, sys.exec_prefix}]


def _run(cmd: list[str], *, cwd: Path, env: dict[str, str], limits: Limits, uid: int | None,
         out: IO[bytes], err: IO[bytes]) -> tuple[int, bool, list[str]]:
    # start_new_session: one process group to kill. preexec_fn is fork-unsafe with threads in the
    # parent; Dagster's multiprocess executor runs each step in its own process, which is fine.
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
        start_new_session=True, preexec_fn=lambda: _apply_rlimits(limits),
    )
    timed_out = False
    try:
        proc.wait(timeout=limits.wall_seconds)
    except subprocess.TimeoutExpired:
        timed_out = True
        _terminate(proc, uid, limits)
    notes = _reap(proc, uid)
    return proc.returncode, timed_out, notes


def run_sandboxed(
    argv: Sequence[str],
    *,
    workdir: Path,
    limits: Limits,
    env: Mapping[str, str] | None = None,
    ro_paths: Sequence[Path] = (),
    mode: Literal["auto", "bwrap", "rlimit-only"] = "auto",
) -> SandboxResult:
    """Run ``argv`` in ``workdir`` (the only writable host directory) under ``limits``.

    ``env`` adds variables to an otherwise empty environment; credential-like names are dropped
    and listed in ``env_dropped``. ``ro_paths`` are extra host trees made readable (the running
    interpreter's prefixes always are). ``mode="rlimit-only"`` forces the degraded path.
    """
    workdir = Path(workdir).resolve()
    chosen, notes = _choose_mode(mode)
    exe_dir = str(Path(sys.executable).parent)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="grokorc-sandbox-") as host_tmp:
        host = Path(host_tmp)
        with open(host / "stdout", "w+b") as out, open(host / "stderr", "w+b") as err:
            if chosen == "bwrap":
                uid: int | None = _pick_uid()
                child_env, dropped = build_env(home=SANDBOX_TMP, tmpdir=SANDBOX_TMP,
                                               extra_path=[exe_dir], extra=env)
                cmd = build_argv(argv, workdir=workdir, uid=uid,
                                 ro_paths=[*_interpreter_paths(), *ro_paths])
                owner = workdir.stat()
                try:
                    # The throw-away uid must be able to write the workspace (and nothing else).
                    _chown_tree(workdir, uid, uid)
                    rc, timed_out, reap_notes = _run(cmd, cwd=workdir, env=child_env, limits=limits,
                                                     uid=uid, out=out, err=err)
                finally:
                    _chown_tree(workdir, owner.st_uid, owner.st_gid)
            else:
                uid = None
                home = host / "home"
                home.mkdir()
                child_env, dropped = build_env(home=home, tmpdir=home, extra_path=[exe_dir], extra=env)
                notes += _RLIMIT_ONLY_NOTES
                if os.geteuid() == 0:
                    notes.append("running as uid 0: the kernel does not enforce RLIMIT_NPROC")
                rc, timed_out, reap_notes = _run(list(argv), cwd=workdir, env=child_env,
                                                 limits=limits, uid=None, out=out, err=err)
            exit_code, killed_by = _exit_status(rc, chosen)
            tail = defaults()["tail_bytes"]
            return SandboxResult(
                argv=list(argv), mode=chosen, exit_code=exit_code, killed_by=killed_by,
                timed_out=timed_out, duration_seconds=round(time.monotonic() - started, 3),
                stdout_tail=_tail(out, tail), stderr_tail=_tail(err, tail),
                uid=os.geteuid() if uid is None else uid, env_dropped=dropped,
                notes=notes + reap_notes,
            )
