"""Building the bubblewrap command line.

Layout inside the sandbox: an empty tmpfs root with read-only binds of the system trees and of the
interpreter prefixes, a fresh world-writable tmpfs /tmp, minimal /proc and /dev, and the workdir as
the only writable host directory. No network (empty net namespace), own pid namespace, own session.

Two ways to get there:

- ``build_argv`` (mode ``bwrap``, caller is root): bwrap runs without a user namespace, so its child
  starts as root without capabilities except CAP_SETUID/CAP_SETGID, which ``setpriv`` uses to become
  the throw-away sandbox uid and then drops. The uid switch is what makes RLIMIT_NPROC bite: the
  kernel never enforces it for uid 0.
- ``build_userns_argv`` (mode ``bwrap-userns``, caller is not root): bwrap creates an unprivileged
  user namespace, which is what gives a non-root process the right to mount and unshare. The command
  keeps the caller's uid (no setpriv: no CAP_SETUID outside) and ``prlimit`` sets RLIMIT_NPROC
  *inside* the namespace, so only the sandbox's own processes count against it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from grokorc_assets.sandbox.config import defaults

SANDBOX_TMP = Path("/tmp")


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


def setpriv_path() -> str | None:
    return shutil.which("setpriv")


def prlimit_path() -> str | None:
    return shutil.which("prlimit")


class _Mounts:
    """Collects bwrap mount options, creating parent directories with mode 0755.

    bwrap creates missing parents of a mount point with mode 0700, which the unprivileged sandbox
    uid could not traverse (e.g. /root for a pyenv interpreter); explicit ``--dir`` fixes that.
    """

    def __init__(self) -> None:
        self.args: list[str] = []
        self.host_trees: list[Path] = []  # bind mounts: their host subdirectories exist inside
        self.points: set[Path] = set()  # tmpfs, dirs and mount points: only the path itself exists

    def exists(self, path: Path) -> bool:
        if path in self.points:
            return True
        return any(path == tree or tree in path.parents for tree in self.host_trees) and path.is_dir()

    def add(self, *option: str, dest: Path) -> None:
        for parent in reversed(dest.parents):
            if parent != Path("/") and not self.exists(parent):
                self.args += ["--perms", "0755", "--dir", str(parent)]
                self.points.add(parent)
        self.args += [*option, str(dest)]
        if option[0] in {"--bind", "--ro-bind"}:
            self.host_trees.append(dest)
        self.points.add(dest)


def _system_mounts(mounts: _Mounts) -> None:
    for name in defaults()["system_paths"]:
        path = Path(name)
        if path.is_symlink():  # merged /usr: /bin -> usr/bin
            mounts.add("--symlink", os.readlink(path), dest=path)
        elif path.is_dir():
            mounts.add("--ro-bind", str(path), dest=path)


def _ro_trees(paths: Iterable[Path]) -> list[Path]:
    """Real paths, de-duplicated, dropping those already inside another one."""
    real = sorted({Path(os.path.realpath(p)) for p in paths if Path(p).exists()})
    return [p for p in real if not any(q in p.parents for q in real)]


def _sandbox_args(workdir: Path, ro_paths: Iterable[Path], *, fresh_proc: bool = True) -> list[str]:
    """Mounts, namespaces and lifetime options shared by both bwrap modes.

    ``fresh_proc=False``: an empty /proc instead of one of the sandbox's pid namespace (see
    ``userns_usable``); never the host's, which would show the caller's processes and environment."""
    mounts = _Mounts()
    _system_mounts(mounts)
    # The fresh /tmp first: an interpreter or venv that lives under /tmp (a checkout in /tmp) is then
    # bound on top of it instead of being hidden by it.
    mounts.add("--perms", "1777", "--tmpfs", dest=SANDBOX_TMP)
    for tree in _ro_trees(ro_paths):
        if not mounts.exists(tree):
            mounts.add("--ro-bind", str(tree), dest=tree)
    if fresh_proc:
        mounts.add("--proc", dest=Path("/proc"))
    else:
        mounts.add("--perms", "0555", "--tmpfs", dest=Path("/proc"))
    mounts.add("--dev", dest=Path("/dev"))
    mounts.add("--perms", "1777", "--tmpfs", dest=Path("/dev/shm"))
    # Last, so a read-only bind of an enclosing tree cannot shadow it.
    mounts.add("--bind", str(workdir), dest=workdir)
    namespaces = ["--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
                  "--unshare-cgroup-try", "--hostname", "sandbox"]
    lifecycle = ["--die-with-parent", "--new-session", "--chdir", str(workdir)]
    return [*mounts.args, *namespaces, *lifecycle]


def build_argv(
    argv: Sequence[str], *, workdir: Path, uid: int, ro_paths: Iterable[Path]
) -> list[str]:
    """The full bwrap + setpriv command line for ``argv`` (caller is root)."""
    caps = ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    drop = [setpriv_path() or "setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
            "--inh-caps=-all", "--bounding-set=-all", "--"]
    return [bwrap_path() or "bwrap", *_sandbox_args(workdir, ro_paths), *caps, "--", *drop, *argv]


def build_userns_argv(
    argv: Sequence[str], *, workdir: Path, processes: int, ro_paths: Iterable[Path],
    fresh_proc: bool | None = None,
) -> list[str]:
    """The full bwrap + prlimit command line for ``argv`` in an unprivileged user namespace.

    The caller's own uid/gid inside: the workdir (owned by the caller) is then writable and shows
    its real owner, while every other host file shows as the overflow uid (65534), i.e. not ours.
    ``--disable-userns`` (bwrap >= 0.8): the command cannot nest user namespaces of its own, which
    would hand it capabilities (in that namespace) and the kernel code paths they unlock.
    RLIMIT_NPROC comes from ``prlimit`` inside rather than from the caller: set on bwrap, the new
    namespace would inherit it as a cap on *all* processes of the caller's uid (the worker's own
    threads included), and a busy worker would leave the sandbox no room to fork at all.
    """
    if fresh_proc is None:
        fresh_proc = _userns_proc()[0] != "empty"
    # bwrap implements --disable-userns through the fresh /proc's /proc/sys/user: without one, nested
    # user namespaces stay possible (README: what the empty-/proc variant does not guarantee).
    nesting = ["--disable-userns"] if fresh_proc else []
    userns = ["--unshare-user", *nesting, "--uid", str(os.getuid()), "--gid", str(os.getgid())]
    nproc = [prlimit_path() or "prlimit", f"--nproc={processes}", "--"]
    mounts = _sandbox_args(workdir, ro_paths, fresh_proc=fresh_proc)
    return [bwrap_path() or "bwrap", *mounts, *userns, "--", *nproc, *argv]


def with_info_fd(cmd: list[str], fd: int) -> list[str]:
    """``cmd`` (a bwrap command line) also writing its JSON info (child pid, namespace ids) to ``fd``.

    bwrap options may come in any order before ``--``; the fd number exists only at spawn time.
    """
    return [cmd[0], "--info-fd", str(fd), *cmd[1:]]


def _probe(cmd: list[str], name: str) -> tuple[bool, str]:
    """Run a sandbox around ``true``: (usable, reason)."""
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"{name} probe failed: {exc}"
    if done.returncode != 0:
        return False, f"{name} probe exited {done.returncode}: {done.stderr.decode(errors='replace')[-300:].strip()}"
    return True, f"{name} probe ok"


@lru_cache(maxsize=1)
def bwrap_usable() -> tuple[bool, str]:
    """Whether bwrap (and setpriv) can actually build a sandbox here: (usable, reason).

    Probed once per process with ``true``: bwrap may exist yet fail (no mount rights, seccomp'd
    container), and then we must degrade rather than report every run as a failed test.
    """
    if bwrap_path() is None:
        return False, "bwrap not found on PATH"
    if setpriv_path() is None:
        return False, "setpriv not found on PATH (needed to drop to the sandbox uid)"
    with tempfile.TemporaryDirectory(prefix="grokorc-bwrap-probe-") as probe_dir:
        true = shutil.which("true") or "/bin/true"
        uid = defaults()["sandbox_uid_base"]
        return _probe(build_argv([true], workdir=Path(probe_dir), uid=uid, ro_paths=[]), "bwrap")


def userns_usable() -> tuple[bool, str]:
    """Whether bwrap can build the sandbox in an unprivileged user namespace here: (usable, reason)."""
    proc, reason = _userns_proc()
    return proc is not None, reason


@lru_cache(maxsize=1)
def _userns_proc() -> tuple[str | None, str]:
    """Which /proc the user-namespace sandbox gets here: "fresh", "empty" or None (unusable), and why.

    Probed once per process with ``true`` through the very command line runs use: the kernel may
    forbid unprivileged user namespaces (``user.max_user_namespaces=0``, AppArmor's
    ``apparmor_restrict_unprivileged_userns``), or a container's seccomp profile may forbid the
    clone/unshare. In a Docker container, whose /proc has masked paths, the kernel refuses to mount
    a fresh /proc in a new user namespace and Docker's API (unlike its CLI) cannot unmask them; the
    sandbox then gets an empty /proc, which the generated projects' Python and Node tests run with.
    """
    for tool, found in (("bwrap", bwrap_path()), ("prlimit", prlimit_path())):
        if found is None:
            return None, f"{tool} not found on PATH"
    first = ""
    for fresh in (True, False):
        with tempfile.TemporaryDirectory(prefix="grokorc-bwrap-probe-") as probe_dir:
            true = shutil.which("true") or "/bin/true"
            processes = defaults()["limits"]["processes"]
            cmd = build_userns_argv([true], workdir=Path(probe_dir), processes=processes, ro_paths=[],
                                    fresh_proc=fresh)
            ok, reason = _probe(cmd, "bwrap-userns")
        if ok:
            return ("fresh", reason) if fresh else ("empty", f"{reason} (empty /proc: {first})")
        first = first or reason
    return None, first
