"""Mode bwrap-userns: the strong sandbox for a caller that is not root (grokorc's images run as uid 10001).

These tests run as root, so each one starts a *worker*: this interpreter as uid 65534 with CANARY_SECRET
in its environment (standing in for the worker's database password), which calls run_sandboxed /
start_sandboxed and prints the results as JSON. Nothing is mocked: real bwrap, real user namespaces,
real rlimits. Each isolation check also runs in rlimit-only mode, where it must fail: that shows the
check itself can see a leak.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("bwrap") is None or shutil.which("setpriv") is None,
    reason="needs root (to start the worker as another uid), bwrap and setpriv",
)

NOBODY = 65534
CANARY = "canary-value-" + secrets.token_hex(8)
REPO_ROOT = Path(__file__).resolve().parents[2]

# The worker: runs each spec'd command through the sandbox, then lists the processes of its own uid
# that are still alive (there must be none: the sandbox reaped its own, and did not kill the worker).
WORKER = r"""
import json, os, subprocess, sys, time
from pathlib import Path
from grokorc_assets.sandbox import Limits, run_sandboxed, start_sandboxed

spec = json.loads(sys.argv[1])
workdir = Path(spec["workdir"])
sleepers = [subprocess.Popen(["sleep", "120"]) for _ in range(spec.get("sleepers", 0))]
results = []
for run in spec["runs"]:
    argv, limits = [sys.executable, "-c", run["code"]], Limits(**run.get("limits", {}))
    try:
        if run.get("start"):
            with start_sandboxed(argv, workdir=workdir, limits=limits, mode=run["mode"]) as proc:
                while not (workdir / "ready").exists():
                    time.sleep(0.05)
            result = proc.stop()
        else:
            result = run_sandboxed(argv, workdir=workdir, limits=limits, mode=run["mode"])
        results.append(result.model_dump(mode="json"))
    except RuntimeError as exc:
        results.append({"error": str(exc)})
for sleeper in sleepers:
    sleeper.kill()
    sleeper.wait()
left = []  # zombies excepted: a sandbox's dead init may wait a moment for the host's init to reap it
for entry in os.scandir("/proc"):
    if not entry.name.isdigit() or int(entry.name) == os.getpid():
        continue
    try:
        state = open(f"/proc/{entry.name}/stat").read().rsplit(")", 1)[1].split()[0]
        if entry.stat().st_uid == os.getuid() and state != "Z":
            left.append(int(entry.name))
    except OSError:
        pass
print(json.dumps({"results": results, "left": left}))
"""

# Inside the sandbox: what can the untrusted command see and reach? PORT and TARGETS are prepended.
PROBE = r"""
import json, os, socket, subprocess
seen = {"uid": os.getuid(), "pid": os.getpid(), "env": dict(os.environ), "environ_leaks": [], "writes": {}}
seen["nested_userns"] = subprocess.run(["unshare", "--user", "true"], capture_output=True).returncode
for name in os.listdir("/proc"):
    try:
        if name.isdigit() and b"CANARY_SECRET" in open(f"/proc/{name}/environ", "rb").read():
            seen["environ_leaks"].append(int(name))
    except OSError:
        pass
try:
    socket.create_connection(("127.0.0.1", PORT), timeout=3).close()
    seen["tcp"] = "connected"
except OSError as exc:
    seen["tcp"] = repr(exc)
for path in TARGETS:
    try:
        with open(path, "w") as handle:
            handle.write("pwned")
        seen["writes"][path] = "written"
    except OSError as exc:
        seen["writes"][path] = repr(exc)
open("inside-workdir", "w").write("ok")
print(json.dumps(seen))
"""


@pytest.fixture
def base() -> Iterator[Path]:
    """A directory of the worker's: ``home`` (its HOME) and ``work`` (the sandbox workdir).

    Not pytest's tmp_path: /tmp/pytest-of-root is 0700, so uid 65534 could not reach it.
    """
    root = Path(tempfile.mkdtemp(prefix="grokorc-userns-test-"))
    for sub in ("home", "work"):
        (root / sub).mkdir()
    for path in (root, root / "home", root / "work"):
        os.chown(path, NOBODY, NOBODY)
    yield root
    shutil.rmtree(root, ignore_errors=True)


def _host_view() -> list[str]:
    """bwrap options (run as root) showing the worker the host as is, except that /root is 0700 here:
    interpreter prefixes under it are re-exposed on a 0755 tmpfs, as if installed in /usr/local."""
    prefixes = {Path(os.path.realpath(p)) for p in (sys.prefix, sys.base_prefix, REPO_ROOT)}
    hidden = sorted(p for p in prefixes if Path("/root") in p.parents)
    view = ["--dev-bind", "/", "/", "--tmpfs", "/root", "--die-with-parent"]
    for prefix in hidden:
        # bwrap would create the missing parents 0700, which uid 65534 cannot traverse.
        for parent in reversed(prefix.parents[:-2]):  # below /root
            view += ["--perms", "0755", "--dir", str(parent)]
        view += ["--ro-bind", str(prefix), str(prefix)]
    return view


def _worker(spec: dict, *, base: Path, userns: bool = True) -> dict:
    """Run WORKER as uid 65534; ``userns=False``: in a user namespace that may not create another
    one (``--disable-userns``), like a kernel or container that forbids them."""
    if userns:  # a real non-root uid on the host: setpriv drops to it, as the image's USER does
        as_nobody = ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--", "setpriv",
                     f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--"]
    else:  # uid 65534 inside a namespace whose further user namespaces are disabled
        as_nobody = ["--unshare-user", "--disable-userns", "--uid", str(NOBODY), "--gid", str(NOBODY), "--"]
    env = {"PATH": os.environ["PATH"], "HOME": str(base / "home"), "LANG": "C.UTF-8", "CANARY_SECRET": CANARY}
    cmd = ["bwrap", *_host_view(), *as_nobody, sys.executable, "-c", WORKER,
           json.dumps({"workdir": str(base / "work"), **spec})]
    done = subprocess.run(cmd, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture
def listener() -> Iterator[int]:
    """A TCP port on the host's 127.0.0.1 that accepts connections (the backlog does, unaccepted)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield server.getsockname()[1]


def _probe_code(port: int, targets: list[str]) -> str:
    return f"PORT, TARGETS = {port!r}, {targets!r}\n{PROBE}"


def _outside_paths(tag: str, base: Path) -> list[str]:
    """Paths the sandbox must not write: the worker's HOME, and /var/tmp (world-writable on the host)."""
    return [str(base / "home" / f"pwned-{tag}"), f"/var/tmp/grokorc-pwned-{tag}-{secrets.token_hex(4)}"]


def test_userns_sandbox_isolates_a_non_root_caller(base: Path, listener: int) -> None:
    strong_paths, weak_paths = _outside_paths("strong", base), _outside_paths("weak", base)
    runs = [{"code": _probe_code(listener, strong_paths), "mode": "auto"},
            {"code": _probe_code(listener, weak_paths), "mode": "rlimit-only"}]
    try:
        out = _worker({"runs": runs}, base=base)
    finally:
        for path in (strong_paths[1], weak_paths[1]):
            Path(path).unlink(missing_ok=True)
    strong, weak = out["results"]
    assert strong["mode"] == "bwrap-userns" and strong["exit_code"] == 0, strong
    assert strong["notes"] == [] and strong["uid"] == NOBODY
    seen = json.loads(strong["stdout_tail"])
    assert seen["uid"] == NOBODY and seen["pid"] < 10  # the caller's uid, in its own pid namespace
    assert "CANARY_SECRET" not in seen["env"] and CANARY not in strong["stdout_tail"]
    assert seen["environ_leaks"] == []  # the worker's /proc/<pid>/environ is not even there
    assert seen["tcp"].startswith("ConnectionRefusedError"), seen["tcp"]  # a loopback that is not the host's
    assert "written" not in seen["writes"].values(), seen["writes"]
    assert seen["nested_userns"] != 0  # --disable-userns: no namespace of its own to be root in
    assert not any(Path(path).exists() for path in strong_paths)
    assert (base / "work" / "inside-workdir").stat().st_uid == NOBODY  # the workdir is writable, as the caller
    # The same probe without the sandbox does find the canary, the port and the writable paths.
    assert weak["mode"] == "rlimit-only"
    unsandboxed = json.loads(weak["stdout_tail"])
    assert unsandboxed["environ_leaks"] and unsandboxed["tcp"] == "connected"
    assert set(unsandboxed["writes"].values()) == {"written"}
    assert unsandboxed["nested_userns"] == 0
    assert out["left"] == []


FORK_LOOP = r"""
import os, resource
try:  # the hard limit is set inside the namespace, where raising it needs CAP_SYS_RESOURCE on the host
    resource.setrlimit(resource.RLIMIT_NPROC, (1000, 1000))
    print("raised", end=" ")
except (ValueError, OSError):
    print("refused", end=" ")
read_end, write_end = os.pipe()
forked = 0
try:
    while forked < 200:
        if os.fork() == 0:
            os.close(write_end)
            os.read(read_end, 1)  # blocks until the parent exits
            os._exit(0)
        forked += 1
except OSError as exc:
    print(forked, exc.errno)
"""


def test_userns_process_limit_counts_only_the_sandbox(base: Path) -> None:
    # 40 other processes of the caller's uid, more than the limit: with RLIMIT_NPROC on bwrap itself
    # they would count and the sandbox could not fork at all; set inside the namespace, they do not.
    out = _worker({"sleepers": 40, "runs": [{"code": FORK_LOOP, "mode": "auto",
                                            "limits": {"wall_seconds": 60, "processes": 24}}]}, base=base)
    [result] = out["results"]
    assert result["mode"] == "bwrap-userns" and result["exit_code"] == 0, result
    raise_attempt, forked, errno = result["stdout_tail"].split()
    assert raise_attempt == "refused"
    assert int(errno) == 11  # EAGAIN: refused by RLIMIT_NPROC, not stopped by the 200 cap
    assert 16 <= int(forked) < 24
    assert out["left"] == []


# On SIGTERM each process records it and carries on, so the SIGKILL after the grace period is needed.
# The command runs this file's text with ``-c``; its grandchild runs the file itself, with an argument.
STUBBORN = r"""
import signal, subprocess, sys, time
def noted(name):
    return lambda *_: open(name, "w").write("1")
if sys.argv[1:] == ["grandchild"]:
    signal.signal(signal.SIGTERM, noted("term-grandchild"))
    open("grandchild-started", "w").write("1")
    while True:
        pass
signal.signal(signal.SIGTERM, noted("term-main"))
subprocess.Popen([sys.executable, "stubborn.py", "grandchild"])
while True:
    time.sleep(0.1)
"""

SERVER = r"""
import signal, sys, time
def stop(*_):
    open("stopped", "w").write("1")
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
open("ready", "w").write("1")
while True:
    time.sleep(0.1)
"""


def test_userns_timeout_and_stop_signal_only_the_sandbox(base: Path) -> None:
    (base / "work" / "stubborn.py").write_text(STUBBORN)
    runs = [{"code": STUBBORN, "mode": "auto", "limits": {"wall_seconds": 4, "grace_seconds": 1}},
            {"code": SERVER, "mode": "auto", "start": True}]
    out = _worker({"runs": runs}, base=base)
    timed_out, served = out["results"]
    assert timed_out["mode"] == "bwrap-userns" and timed_out["timed_out"], timed_out
    assert timed_out["killed_by"] == "SIGKILL"
    # SIGTERM reached both processes (found by pid namespace), then SIGKILL ended them.
    work = base / "work"
    assert (work / "grandchild-started").exists()
    assert (work / "term-main").exists() and (work / "term-grandchild").exists()
    assert served["mode"] == "bwrap-userns" and served["exit_code"] == 0, served
    assert (work / "stopped").exists()
    # The worker (same uid as the sandbox) survived to report, and nothing of the sandbox is left.
    assert out["left"] == []


def test_without_user_namespaces_non_root_degrades_to_rlimit_only(base: Path) -> None:
    # The worker is uid 65534 in a namespace owned by root: make its directories root's again.
    for path in (base, base / "home", base / "work"):
        os.chown(path, 0, 0)
    runs = [{"code": "print('hi')", "mode": "auto"}, {"code": "print('hi')", "mode": "bwrap"}]
    degraded, refused = _worker({"runs": runs}, base=base, userns=False)["results"]
    assert degraded["mode"] == "rlimit-only" and degraded["stdout_tail"] == "hi\n"
    [why, *_] = degraded["notes"]
    assert why.startswith("degraded to rlimit-only: not root, and no user namespace sandbox: "
                          "bwrap-userns probe exited 1: bwrap: Creating new namespace failed"), why
    assert any("no network isolation" in note for note in degraded["notes"])
    assert refused["error"].startswith("bwrap sandbox requested but unusable: not root"), refused


def test_the_empty_proc_variant_mounts_no_procfs_and_cannot_disable_nesting(tmp_path: Path) -> None:
    """Inside Docker (masked /proc) the sandbox gets an empty tmpfs /proc, never the caller's: the
    command line says so. The variant itself runs in the stack test's real run containers."""
    from grokorc_assets.sandbox.bwrap import build_userns_argv

    fresh = build_userns_argv(["true"], workdir=tmp_path, processes=8, ro_paths=[], fresh_proc=True)
    empty = build_userns_argv(["true"], workdir=tmp_path, processes=8, ro_paths=[], fresh_proc=False)
    assert ["--proc", "/proc"] == fresh[fresh.index("--proc"):fresh.index("--proc") + 2]
    assert "--proc" not in empty
    at = empty.index("/proc")
    assert empty[at - 1] == "--tmpfs" and "--disable-userns" not in empty and "--disable-userns" in fresh
    assert "/proc" not in [empty[i + 1] for i, arg in enumerate(empty[:-1]) if arg in {"--bind", "--ro-bind"}]
