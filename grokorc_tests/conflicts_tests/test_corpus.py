"""Detection quality and mediation safety over the seeded corpus of generated projects."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from grokorc_assets.conflicts import KINDS, AgentView, detect_view, load_settings
from grokorc_assets.conflicts.similarity import Similarity
from grokorc_tests.conflicts_tests.conftest import Run
from grokorc_tests.conflicts_tests.corpus import PROJECTS

MIN_SCORE = 0.95
SAMPLE_TEST_RUNS = 6


def _match(run: Run):
    """(expected, conflict index or None) per injection, and indices of conflicts nothing expected."""
    pairs, used = [], set()
    for e in run.project.expected:
        hit = next((i for i, c in enumerate(run.report.items) if i not in used and c.kind == e.kind
                    and e.marker in " ".join(c.items)), None)
        if hit is not None:
            used.add(hit)
        pairs.append((e, hit))
    return pairs, [i for i in range(len(run.report.items)) if i not in used]


def _scores(runs: list[Run]) -> dict[str, dict[str, float]]:
    out = {}
    for kind in (*KINDS, "overall"):
        tp = fn = fp = 0
        for run in runs:
            pairs, extra = _match(run)
            tp += sum(1 for e, hit in pairs if hit is not None and kind in (e.kind, "overall"))
            fn += sum(1 for e, hit in pairs if hit is None and kind in (e.kind, "overall"))
            fp += sum(1 for i in extra if kind in (run.report.items[i].kind, "overall"))
        out[kind] = {"tp": tp, "fp": fp, "fn": fn, "precision": tp / (tp + fp) if tp + fp else 1.0,
                     "recall": tp / (tp + fn) if tp + fn else 1.0}
    return out


def test_corpus_is_large_and_covers_every_kind(corpus_runs: list[Run]) -> None:
    assert len(corpus_runs) == PROJECTS >= 30
    kinds = [e.kind for run in corpus_runs for e in run.project.expected]
    for kind in KINDS:
        assert kinds.count(kind) >= 3, kind
        auto = {e.auto for run in corpus_runs for e in run.project.expected if e.kind == kind}
        assert auto == {True, False}, f"{kind} needs high- and low-similarity injections"
    assert sum(1 for run in corpus_runs if not run.project.expected) >= 6


def test_precision_and_recall_by_kind_and_overall(corpus_runs: list[Run]) -> None:
    scores = _scores(corpus_runs)
    print("\n" + "\n".join(f"{k:20s} tp={v['tp']:3d} fp={v['fp']} fn={v['fn']} precision={v['precision']:.3f} "
                           f"recall={v['recall']:.3f}" for k, v in scores.items()))
    for kind, s in scores.items():
        assert s["tp"] > 0, kind
        assert s["precision"] >= MIN_SCORE and s["recall"] >= MIN_SCORE, (kind, s)


def test_clean_projects_report_nothing(corpus_runs: list[Run]) -> None:
    clean = [run for run in corpus_runs if not run.project.expected]
    assert clean
    for run in clean:
        assert run.detected == [], (run.project.name, [c.items for c in run.detected])
        assert run.report.conflicts_detected == 0 and run.report.conflicts_resolved == 0


def test_resolution_follows_the_similarity_threshold(corpus_runs: list[Run]) -> None:
    threshold = load_settings().auto_mediation_similarity
    for run in corpus_runs:
        for e, hit in _match(run)[0]:
            c = run.report.items[hit]
            assert (c.resolution == "auto_mediated") == e.auto, (run.project.name, e.injection, c.reason)
            if c.resolution == "auto_mediated":
                assert c.similarity is not None and c.similarity >= threshold and c.resolved
                assert c.mediated_by == "rule"
            else:
                assert not c.resolved and c.mediated_by is None
                assert c.similarity is None or c.similarity < threshold or "escalated" in c.reason


def test_escalated_conflicts_leave_their_files_as_merged(corpus_runs: list[Run]) -> None:
    checked = 0
    for run in corpus_runs:
        merged = AgentView.from_workspace(run.project.workspace).merged()
        project = Path(run.report.project_dir)
        auto_files = {edit.path for c in run.report.items if c.resolved for edit in c.proposal}
        for e, _ in _match(run)[0]:
            if e.auto:
                continue
            for rel in e.files:
                if rel in auto_files:
                    continue  # another, auto-mediated conflict legitimately edits this file
                assert (project / rel).read_text(encoding="utf-8") == merged[rel], (run.project.name, e.injection)
                checked += 1
    assert checked >= 10


def test_agent_trees_are_never_modified(corpus_runs: list[Run]) -> None:
    for run in corpus_runs:
        assert run.after == run.before, run.project.name


def test_auto_mediated_conflicts_are_gone_and_diffed(corpus_runs: list[Run]) -> None:
    sim = Similarity()
    for run in corpus_runs:
        project = Path(run.report.project_dir)
        original = AgentView.from_workspace(run.project.workspace)
        after = AgentView.from_project(original, project, run.report.edited_paths,
                                       run.report.settled_paths)
        remaining = {c.key for c in detect_view(after, sim)}
        for c in run.report.items:
            assert (c.key in remaining) != c.resolved, (run.project.name, c.key)
        diff = Path(run.report.diff_paths[0]).read_text(encoding="utf-8")
        for c in run.report.items:
            if c.resolved and any(e.old is not None for e in c.proposal):
                assert f"+++ b/{c.proposal[0].path}" in diff
                assert any(line.startswith("+") and c.proposal[0].new in line for line in diff.splitlines())


def _sample(corpus_runs: list[Run]) -> list[Run]:
    mediated = [r for r in corpus_runs if r.project.has_api and any(c.resolved for c in r.report.items)]
    step = max(1, len(mediated) // SAMPLE_TEST_RUNS)
    return mediated[::step][:SAMPLE_TEST_RUNS]


def test_mediated_projects_still_pass_their_own_tests(corpus_runs: list[Run]) -> None:
    sample = _sample(corpus_runs)
    assert len(sample) == SAMPLE_TEST_RUNS
    for run in sample:
        backend = run.project.backend
        cwd = Path(run.report.project_dir) / backend.test_cwd
        result = subprocess.run([sys.executable, *backend.test_command], cwd=cwd, capture_output=True, text=True)
        assert result.returncode == 0, (run.project.name, result.stdout[-2000:], result.stderr[-2000:])
        assert " passed" in result.stdout and " failed" not in result.stdout


def test_markdown_table_lists_every_conflict(corpus_runs: list[Run]) -> None:
    run = max(corpus_runs, key=lambda r: len(r.report.items))
    text = run.report.to_markdown()
    rows = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| #")]
    assert len(rows) == len(run.report.items) >= 3
    assert f"{run.report.conflicts_detected} detected, {run.report.conflicts_resolved} resolved" in text
    result = run.report.as_result()
    assert set(result["items"][0]) >= {"kind", "parties", "similarity", "resolution", "reason"}


@pytest.mark.parametrize("threshold", [1.01])
def test_an_unreachable_threshold_escalates_everything(corpus_runs: list[Run], threshold: float) -> None:
    from grokorc_assets.conflicts import detect_conflicts, resolve

    run = next(r for r in corpus_runs if any(c.resolved for c in r.report.items))
    merged = AgentView.from_workspace(run.project.workspace).merged()
    report = resolve(run.project.workspace, detect_conflicts(run.project.workspace), threshold=threshold)
    assert report.conflicts_resolved == 0 and all(c.resolution == "escalated" for c in report.items)
    project = Path(report.project_dir)
    assert all((project / rel).read_text(encoding="utf-8") == text for rel, text in merged.items())
    resolve(run.project.workspace, run.detected)  # leave the shared workspace as the other tests saw it
