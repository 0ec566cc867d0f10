from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from grokorc_assets.conflicts import ConflictReport, detect_conflicts, resolve
from grokorc_tests.conflicts_tests.corpus import Project, build_corpus
from grokorc_tests.llm_tests.fake_openai import FakeOpenAIServer


def tree_snapshot(workspace: Path) -> dict[str, bytes]:
    root = workspace / "agents"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


class Run:
    """One corpus project after detection and resolution, with its agent trees before and after."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.before = tree_snapshot(project.workspace)
        self.detected = detect_conflicts(project.workspace)
        self.report: ConflictReport = resolve(project.workspace, self.detected)
        self.after = tree_snapshot(project.workspace)


@pytest.fixture(scope="session")
def corpus_runs(tmp_path_factory: pytest.TempPathFactory) -> list[Run]:
    return [Run(p) for p in build_corpus(tmp_path_factory.mktemp("conflict_corpus"))]


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as server:
        yield server
