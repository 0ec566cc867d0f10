"""``grokorc preview``: find a revision's built project and serve it until Ctrl-C or SIGTERM."""

from __future__ import annotations

import shutil
import signal
import tarfile
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from grokorc_assets.serve.proxy import PortInUseError
from grokorc_assets.serve.server import served_project
from grokorc_assets.settings import Settings
from grokorc_assets.validation import BadInputError

# How often the foreground loop checks that the server is still alive (signals end it at once).
_WATCH_S = 0.5


class PreviewTarget(BaseModel):
    project_id: str
    revision: int
    source: Literal["delivery", "project"]
    path: Path  # the delivered archive, or the merged project directory


def locate(settings: Settings, project_id: str, revision: int | None) -> PreviewTarget:
    """The delivered archive of the revision (latest by default) if there is one, else its merged project."""
    from grokorc_assets.storage.database import ensure_database
    from grokorc_assets.storage.requests import RequestStore

    stored = RequestStore(ensure_database(settings)).get(project_id, revision)
    if stored is None:
        which = f"revision {revision} of project {project_id!r}" if revision else f"project {project_id!r}"
        raise BadInputError(f"unknown {which}: nothing stored under that name")
    workspace = settings.workspace(project_id, stored.revision)
    archive = workspace / "delivery" / f"{project_id}-r{stored.revision}.tar.gz"
    if archive.is_file():
        return PreviewTarget(project_id=project_id, revision=stored.revision, source="delivery", path=archive)
    if (workspace / "project" / "backend" / "app" / "main.py").is_file():
        return PreviewTarget(project_id=project_id, revision=stored.revision, source="project",
                             path=workspace / "project")
    raise BadInputError(f"revision {stored.revision} of {project_id!r} has no built project to serve yet "
                        "(grokorc build first)")


@contextmanager
def project_dir(target: PreviewTarget) -> Iterator[Path]:
    """The directory to serve: the merged project as is, or the delivered archive unpacked to a temp dir."""
    if target.source == "project":
        yield target.path
        return
    unpacked = Path(tempfile.mkdtemp(prefix="grokorc-preview-"))
    try:
        with tarfile.open(target.path, "r:gz") as tar:
            tar.extractall(unpacked, filter="data")  # "data": no links out, no absolute paths, no devices
        roots = [p for p in unpacked.iterdir() if p.is_dir()]
        if len(roots) != 1:
            raise BadInputError(f"{target.path} does not hold one project directory")
        yield roots[0]
    finally:
        shutil.rmtree(unpacked, ignore_errors=True)


def run_preview(target: PreviewTarget, port: int, say: Callable[[str], None], warn: Callable[[str], None]) -> int:
    """Serve until SIGINT/SIGTERM (exit 0) or until the server dies (exit 1). A taken port is bad input."""
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with project_dir(target) as root, served_project(root, port=port) as served:
            what = "delivered archive" if target.source == "delivery" else "merged project (not delivered)"
            say(f"serving {target.project_id} revision {target.revision} from the {what}: {target.path}")
            for note in served.notes:
                warn(f"sandbox: {note}")
            say(served.url)
            while not stop.wait(_WATCH_S):
                if not served.alive():
                    warn(f"the server exited:\n{served.stderr_tail(2000)}")
                    return 1
        return 0
    except PortInUseError as exc:
        raise BadInputError(str(exc.strerror or exc)) from None
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
