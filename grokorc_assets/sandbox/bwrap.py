"""Building the bubblewrap command line.

Layout inside the sandbox: an empty tmpfs root with read-only binds of the system trees and of the
interpreter prefixes, a fresh world-writable tmpfs /tmp, minimal /proc and /dev, and the workdir as
the only writable host directory. No network (empty net namespace), own pid namespace, own session.

bwrap runs as root here (no user namespace), so its child starts as root without capabilities
except CAP_SETUID/CAP_SETGID, which ``setpriv`` uses to become the throw-away sandbox uid and then
drops. The uid switch is what makes RLIMIT_NPROC bite: the kernel never enforces it for uid 0.
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


def build_argv(
    argv: Sequence[str], *, workdir: Path, uid: int, ro_paths: Iterable[Path]
) -> list[str]:
    """The full bwrap + setpriv command line for ``argv``."""
    mounts = _Mounts()
    _system_mounts(mounts)
    # The fresh /tmp first: an interpreter or venv that lives under /tmp (a checkout in /tmp) is then
    # bound on top of it instead of being hidden by it.
    mounts.add("--perms", "1777", "--tmpfs", dest=SANDBOX_TMP)
    for tree in _ro_trees(ro_paths):
        if not mounts.exists(tree):
            mounts.add("--ro-bind", str(tree), dest=tree)
    mounts.add("--proc", dest=Path("/proc"))
    mounts.add("--dev", dest=Path("/dev"))
    mounts.add("--perms", "1777", "--tmpfs", dest=Path("/dev/shm"))
    # Last, so a read-only bind of an enclosing tree cannot shadow it.
    mounts.add("--bind", str(workdir), dest=workdir)
    namespaces = ["--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
                  "--unshare-cgroup-try", "--hostname", "sandbox"]
    lifecycle = ["--die-with-parent", "--new-session", "--chdir", str(workdir)]
    caps = ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    drop = [setpriv_path() or "setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
            "--inh-caps=-all", "--bounding-set=-all", "--"]
    return [bwrap_path() or "bwrap", *mounts.args, *namespaces, *lifecycle, *caps, "--", *drop,
            *argv]


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
        cmd = build_argv([true], workdir=Path(probe_dir), uid=uid, ro_paths=[])
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=30, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return False, f"bwrap probe failed: {exc}"
    if done.returncode != 0:
        return False, f"bwrap probe exited {done.returncode}: {done.stderr.decode(errors='replace')[-300:]}"
    return True, "bwrap probe ok"
