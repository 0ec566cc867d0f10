"""``run_sandboxed``: run one command under bwrap (as root, or in a user namespace) + rlimits, or rlimits
only when neither bwrap mode is usable."""

from __future__ import annotations

import json
import os
import resource
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

from grokorc_assets.sandbox.bwrap import (
    SANDBOX_TMP,
    build_argv,
    build_userns_argv,
    bwrap_usable,
    userns_usable,
    with_info_fd,
)
from grokorc_assets.sandbox.config import Limits, Mode, SandboxResult, defaults
from grokorc_assets.sandbox.env import build_env

_MB = 1024 * 1024
# After the main process is gone, how long we keep killing stragglers of the sandbox uid.
_REAP_SECONDS = 5.0


def _apply_rlimits(limits: Limits, *, nproc: bool) -> None:
    """preexec_fn: runs in the forked child before exec, so the limits bind bwrap and all below.

    ``nproc=False`` under bwrap-userns, where prlimit sets RLIMIT_NPROC inside the namespace instead
    (see ``build_userns_argv``).
    """
    pairs = {
        resource.RLIMIT_CPU: (limits.cpu_seconds, limits.cpu_seconds + 1),  # SIGXCPU, then SIGKILL
        resource.RLIMIT_AS: (limits.memory_mb * _MB,) * 2,
        resource.RLIMIT_FSIZE: (limits.file_size_mb * _MB,) * 2,
        resource.RLIMIT_NOFILE: (limits.open_files,) * 2,
        resource.RLIMIT_CORE: (0, 0),  # no core dumps into the workspace
    }
    if nproc:
        pairs[resource.RLIMIT_NPROC] = (limits.processes,) * 2
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


def _host_pids() -> list[int]:
    return [int(entry.name) for entry in os.scandir("/proc") if entry.name.isdigit()]


def _ns_inode(ns: str | int) -> int | None:
    """Inode of a namespace given as a /proc/PID/ns/... path or an open fd on one (None: unreadable)."""
    try:
        return os.stat(ns).st_ino
    except OSError:
        return None


def _running(pid: int) -> bool:
    """Not a zombie: a dead sandbox init waiting for the host's init to reap it needs no signal."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def _pin_pid_namespace(info: int) -> int | None:
    """An open fd on the sandbox's pid namespace, from what bwrap writes to ``--info-fd``: the host pid
    of the namespace's init and the namespace's inode (checked, so a recycled pid cannot substitute
    another namespace). Held open, the fd keeps that inode from being reused by a later namespace.
    """
    with os.fdopen(info, "rb") as stream:  # EOF right after bwrap's clone(), or when bwrap fails
        try:
            report = json.loads(stream.read())
        except ValueError:  # bwrap failed before creating the sandbox: nothing to find later
            return None
    try:
        fd = os.open(f"/proc/{report.get('child-pid')}/ns/pid", os.O_RDONLY)
    except OSError:  # the sandbox is already over
        return None
    if _ns_inode(fd) == report.get("pid-namespace"):
        return fd
    os.close(fd)
    return None


class _SandboxUid:
    """Mode bwrap: the command's processes are those of its throw-away uid, which nothing else uses."""

    def __init__(self, uid: int) -> None:
        self.uid = uid

    def pids(self) -> list[int]:
        return _pids_of_uid(self.uid)

    def close(self) -> None:
        pass

    def __str__(self) -> str:
        return f"of uid {self.uid}"


class _SandboxPidNamespace:
    """Mode bwrap-userns: the command's processes are the members of bwrap's pid namespace.

    Not by uid: the command runs as the caller's own uid, so "every process of the uid" would include
    the caller. Signalling the namespace's init (bwrap) along with the rest is harmless: an init
    ignores signals it has no handler for, even from the parent namespace, SIGKILL excepted.
    """

    def __init__(self, info: int) -> None:
        self._fd = _pin_pid_namespace(info)

    def pids(self) -> list[int]:
        if self._fd is None:
            return []
        ns = _ns_inode(self._fd)
        return [pid for pid in _host_pids() if _ns_inode(f"/proc/{pid}/ns/pid") == ns and _running(pid)]

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __str__(self) -> str:
        return "in the sandbox's pid namespace"


_Targets = _SandboxUid | _SandboxPidNamespace


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


def _terminate(proc: subprocess.Popen[bytes], targets: _Targets | None, limits: Limits) -> None:
    """SIGTERM the command (not bwrap, whose death would SIGKILL everything at once), then SIGKILL."""
    if targets is not None:
        _kill(targets.pids(), signal.SIGTERM)
    else:
        _killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=limits.grace_seconds)
    except subprocess.TimeoutExpired:
        _killpg(proc.pid, signal.SIGKILL)
        if targets is not None:
            _kill(targets.pids(), signal.SIGKILL)
        proc.wait()


def _group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes of a process group, from /proc."""
    out = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            out.append(int(entry.name))
    return out


def _reap_group(pgid: int) -> list[str]:
    """Without a sandbox's own uid or pid namespace, the command's group is what it left behind: a
    SIGKILL is only delivered, not done, when killpg returns (a spinning child may not have run yet on a
    busy machine), so wait until the group is gone before saying the run is over."""
    deadline = time.monotonic() + _REAP_SECONDS
    while pids := _group_members(pgid):
        if time.monotonic() > deadline:
            return [f"{len(pids)} process(es) of group {pgid} survived the reap"]
        _kill(pids, signal.SIGKILL)
        time.sleep(0.02)  # give the kernel a moment to tear them down
    return []


def _reap(proc: subprocess.Popen[bytes], targets: _Targets | None) -> list[str]:
    """Kill whatever the command left behind (daemons, fork-bomb children)."""
    _killpg(proc.pid, signal.SIGKILL)
    if targets is None:
        return _reap_group(proc.pid)
    try:
        deadline = time.monotonic() + _REAP_SECONDS
        while pids := targets.pids():
            if time.monotonic() > deadline:
                return [f"{len(pids)} process(es) {targets} survived the reap"]
            _kill(pids, signal.SIGKILL)
            time.sleep(0.02)  # give the kernel a moment to tear them down
        return []
    finally:
        targets.close()


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
    if mode in ("bwrap", "bwrap-userns") and 128 < returncode <= 128 + 64:
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


def _bwrap_mode() -> tuple[Mode | None, str]:
    """The bwrap mode this process can use, if any: root drops to a throw-away uid (setpriv), anyone
    else needs an unprivileged user namespace; (mode or None, reason)."""
    if os.geteuid() == 0:
        usable, reason = bwrap_usable()
        return ("bwrap" if usable else None), reason
    usable, reason = userns_usable()
    return ("bwrap-userns" if usable else None), f"not root, and no user namespace sandbox: {reason}"


def _choose_mode(requested: Literal["auto", "bwrap", "rlimit-only"]) -> tuple[Mode, list[str]]:
    if requested == "rlimit-only":
        return "rlimit-only", ["rlimit-only mode requested by the caller"]
    chosen, reason = _bwrap_mode()
    if chosen is not None:
        return chosen, []
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


def _popen(cmd: list[str], *, cwd: Path, env: dict[str, str], limits: Limits, nproc: bool, out: IO[bytes],
           err: IO[bytes], pass_fds: tuple[int, ...] = ()) -> subprocess.Popen[bytes]:
    # start_new_session: one process group to kill. preexec_fn is fork-unsafe with threads in the
    # parent; Dagster's multiprocess executor runs each step in its own process, which is fine.
    return subprocess.Popen(
        cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err, pass_fds=pass_fds,
        start_new_session=True, preexec_fn=lambda: _apply_rlimits(limits, nproc=nproc),
    )


def _spawn(prep: _Prepared, *, cwd: Path, limits: Limits, out: IO[bytes],
           err: IO[bytes]) -> tuple[subprocess.Popen[bytes], _Targets | None]:
    """Start the command; also return how to find its processes on the host later (None: only
    through bwrap's process group)."""
    if prep.mode != "bwrap-userns":
        proc = _popen(prep.cmd, cwd=cwd, env=prep.env, limits=limits, nproc=True, out=out, err=err)
        return proc, None if prep.uid is None else _SandboxUid(prep.uid)
    info, info_w = os.pipe()
    try:
        proc = _popen(with_info_fd(prep.cmd, info_w), cwd=cwd, env=prep.env, limits=limits, nproc=False,
                      out=out, err=err, pass_fds=(info_w,))
    except BaseException:
        os.close(info)
        raise
    finally:
        os.close(info_w)
    return proc, _SandboxPidNamespace(info)


def _run(prep: _Prepared, *, cwd: Path, limits: Limits, out: IO[bytes],
         err: IO[bytes]) -> tuple[int, bool, list[str]]:
    proc, targets = _spawn(prep, cwd=cwd, limits=limits, out=out, err=err)
    timed_out = False
    try:
        proc.wait(timeout=limits.wall_seconds)
    except subprocess.TimeoutExpired:
        timed_out = True
        _terminate(proc, targets, limits)
    notes = _reap(proc, targets)
    return proc.returncode, timed_out, notes


@dataclass
class _Prepared:
    """The command line, environment and identity of one sandboxed command, before it starts."""

    cmd: list[str]
    env: dict[str, str]
    mode: Mode
    uid: int | None  # the throw-away uid under bwrap; None under bwrap-userns (the caller's) and rlimit-only
    notes: list[str]
    dropped: list[str]


def _prepare(argv: Sequence[str], *, workdir: Path, host: Path, env: Mapping[str, str] | None,
             ro_paths: Sequence[Path], limits: Limits,
             mode: Literal["auto", "bwrap", "rlimit-only"]) -> _Prepared:
    """Shared by the one-shot and the long-running entry points: mode, argv, env and uid."""
    chosen, notes = _choose_mode(mode)
    exe_dir = str(Path(sys.executable).parent)
    if chosen != "rlimit-only":
        child_env, dropped = build_env(home=SANDBOX_TMP, tmpdir=SANDBOX_TMP, extra_path=[exe_dir], extra=env)
        trees = [*_interpreter_paths(), *ro_paths]
        if chosen == "bwrap-userns":
            cmd = build_userns_argv(argv, workdir=workdir, processes=limits.processes, ro_paths=trees)
            return _Prepared(cmd, child_env, chosen, None, notes, dropped)
        uid = _pick_uid()
        cmd = build_argv(argv, workdir=workdir, uid=uid, ro_paths=trees)
        return _Prepared(cmd, child_env, chosen, uid, notes, dropped)
    home = host / "home"
    home.mkdir()
    child_env, dropped = build_env(home=home, tmpdir=home, extra_path=[exe_dir], extra=env)
    notes += _RLIMIT_ONLY_NOTES
    if os.geteuid() == 0:
        notes.append("running as uid 0: the kernel does not enforce RLIMIT_NPROC")
    return _Prepared(list(argv), child_env, chosen, None, notes, dropped)


@contextmanager
def _lent_to(workdir: Path, uid: int | None) -> Iterator[None]:
    """The throw-away uid must be able to write the workspace (and nothing else); given back after."""
    if uid is None:
        yield
        return
    owner = workdir.stat()
    try:
        _chown_tree(workdir, uid, uid)
        yield
    finally:
        _chown_tree(workdir, owner.st_uid, owner.st_gid)


def _result(argv: Sequence[str], prep: _Prepared, rc: int, timed_out: bool, started: float,
            out: IO[bytes], err: IO[bytes], extra_notes: list[str]) -> SandboxResult:
    exit_code, killed_by = _exit_status(rc, prep.mode)
    tail = defaults()["tail_bytes"]
    return SandboxResult(
        argv=list(argv), mode=prep.mode, exit_code=exit_code, killed_by=killed_by,
        timed_out=timed_out, duration_seconds=round(time.monotonic() - started, 3),
        stdout_tail=_tail(out, tail), stderr_tail=_tail(err, tail),
        uid=os.geteuid() if prep.uid is None else prep.uid, env_dropped=prep.dropped,
        notes=prep.notes + extra_notes,
    )


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
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="grokorc-sandbox-") as host_tmp:
        host = Path(host_tmp)
        prep = _prepare(argv, workdir=workdir, host=host, env=env, ro_paths=ro_paths, limits=limits,
                        mode=mode)
        with open(host / "stdout", "w+b") as out, open(host / "stderr", "w+b") as err:
            with _lent_to(workdir, prep.uid):
                rc, timed_out, reap_notes = _run(prep, cwd=workdir, limits=limits, out=out, err=err)
            return _result(argv, prep, rc, timed_out, started, out, err, reap_notes)


class SandboxedProcess:
    """A long-running sandboxed command (a server): started by ``start_sandboxed``, ended by ``stop``.

    Same sandbox as ``run_sandboxed`` except the wall clock: the caller decides the lifetime, so
    ``limits.wall_seconds`` is not applied (CPU, memory, processes, files and the rest are).
    Use as a context manager, or call ``stop()``: both are idempotent.
    """

    def __init__(self, argv: Sequence[str], *, workdir: Path, limits: Limits, env: Mapping[str, str] | None,
                 ro_paths: Sequence[Path], mode: Literal["auto", "bwrap", "rlimit-only"]) -> None:
        self.argv = list(argv)
        self._limits = limits
        self._started = time.monotonic()
        self._result: SandboxResult | None = None
        # Lives as long as the process: its stdout/stderr and, in rlimit-only mode, its HOME.
        self._host = tempfile.TemporaryDirectory(prefix="grokorc-sandbox-")
        host = Path(self._host.name)
        self._out = open(host / "stdout", "w+b")  # noqa: SIM115 - closed in _release()
        self._err = open(host / "stderr", "w+b")  # noqa: SIM115 - closed in _release()
        self._lease: AbstractContextManager[None] | None = None
        try:
            self._prep = _prepare(argv, workdir=workdir, host=host, env=env, ro_paths=ro_paths,
                                  limits=limits, mode=mode)
            self._lease = _lent_to(workdir, self._prep.uid)
            self._lease.__enter__()
            self.proc, self._targets = _spawn(self._prep, cwd=workdir, limits=limits, out=self._out,
                                              err=self._err)
        except BaseException:
            self._release()
            raise

    mode = property(lambda self: self._prep.mode)
    uid = property(lambda self: self._prep.uid)
    notes = property(lambda self: list(self._prep.notes))
    env_dropped = property(lambda self: list(self._prep.dropped))
    pid = property(lambda self: self.proc.pid)

    def poll(self) -> int | None:
        return self.proc.poll()

    def stderr_tail(self, limit: int = 4000) -> str:
        return self._result.stderr_tail[-limit:] if self._result else _tail(self._err, limit)

    def stop(self) -> SandboxResult:
        """SIGTERM (then SIGKILL) the command, kill whatever of it is left, give the workdir back."""
        if self._result is not None:
            return self._result
        try:
            if self.proc.poll() is None:
                _terminate(self.proc, self._targets, self._limits)
            reap_notes = _reap(self.proc, self._targets)
            self._result = _result(self.argv, self._prep, self.proc.returncode, False, self._started,
                                   self._out, self._err, reap_notes)
        finally:
            self._release()
        return self._result

    def _release(self) -> None:
        if self._lease is not None:
            self._lease.__exit__(None, None, None)
            self._lease = None
        self._out.close()
        self._err.close()
        self._host.cleanup()

    def __enter__(self) -> SandboxedProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def start_sandboxed(
    argv: Sequence[str],
    *,
    workdir: Path,
    limits: Limits,
    env: Mapping[str, str] | None = None,
    ro_paths: Sequence[Path] = (),
    mode: Literal["auto", "bwrap", "rlimit-only"] = "auto",
) -> SandboxedProcess:
    """Start ``argv`` like ``run_sandboxed`` would, without waiting for it (Popen-style).

    For servers: the caller talks to it through the workdir (a Unix socket there; the sandbox has
    no network) and must ``stop()`` it.
    """
    return SandboxedProcess(argv, workdir=Path(workdir).resolve(), limits=limits, env=env,
                            ro_paths=ro_paths, mode=mode)
