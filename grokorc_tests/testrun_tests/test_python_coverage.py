"""Real sandboxed pytest + coverage runs on small projects written into tmp."""

from __future__ import annotations

import json
from pathlib import Path

from grokorc_assets.sandbox import Limits
from grokorc_assets.testrun import run_python_tests
from grokorc_tests.testrun_tests.projects import UNCOVERED, python_project

LIMITS = Limits(wall_seconds=60, memory_mb=1024, processes=64)


def test_fully_covered_project(tmp_path: Path) -> None:
    project = python_project(tmp_path / "proj")
    report = run_python_tests(project, source_dirs=["app"], test_dir="tests", limits=LIMITS)
    assert report.sandbox_mode == "bwrap", report.notes
    assert (report.tests_passed, report.tests_failed, report.tests_errored) == (2, 0, 0)
    assert report.value == 100.0
    assert report.branch == 100.0
    assert report.failures == []
    assert {f.path for f in report.files} == {"app/__init__.py", "app/calc.py"}
    assert Path(report.junit_xml).is_file() and Path(report.html_report).is_file()
    assert "calc.py" in Path(report.html_report).read_text()
    # Reports live in the workspace and are handed back to the caller's uid.
    assert Path(report.coverage_json).stat().st_uid == project.stat().st_uid
    assert report.summary()["value"] == 100.0 and report.summary()["tests_passed"] == 2


def test_uncovered_module_lowers_the_figure(tmp_path: Path) -> None:
    project = python_project(tmp_path / "proj", extra_app={"app/report.py": UNCOVERED})
    report = run_python_tests(project, source_dirs=["app"], test_dir="tests", limits=LIMITS)
    data = json.loads(Path(report.coverage_json).read_text())["totals"]
    # value is covered_lines / num_statements, not coverage.py's branch-blended percent_covered.
    assert report.value == round(data["covered_lines"] / data["num_statements"] * 100, 2)
    assert report.value < 95.0
    by_path = {f.path: f for f in report.files}
    assert by_path["app/report.py"].line_percent == 0.0
    assert by_path["app/report.py"].missed == by_path["app/report.py"].statements == 10
    assert by_path["app/calc.py"].line_percent == 100.0
    assert report.tests_passed == 2


def test_failing_test_still_reports_coverage(tmp_path: Path) -> None:
    failing = {"tests/test_broken.py": """\
        from app.calc import add


        def test_add_is_wrong():
            assert add(1, 1) == 3, "one plus one should be three"


        def test_skipped():
            import pytest
            pytest.skip("not today")
        """}
    project = python_project(tmp_path / "proj", extra_tests=failing)
    report = run_python_tests(project, source_dirs=["app"], test_dir="tests", limits=LIMITS)
    assert report.exit_code == 1
    assert (report.tests_passed, report.tests_failed, report.tests_skipped) == (2, 1, 1)
    assert report.value == 100.0 and report.measured
    [failure] = report.failures
    assert failure.test_id == "tests.test_broken::test_add_is_wrong"
    assert "one plus one should be three" in failure.message
    assert len(failure.message.splitlines()) <= 6


def test_collection_error_is_counted_as_error(tmp_path: Path) -> None:
    project = python_project(tmp_path / "proj", extra_tests={"tests/test_bad.py": "import nope_missing\n"})
    report = run_python_tests(project, source_dirs=["app"], test_dir="tests", limits=LIMITS)
    assert report.tests_errored == 1
    assert report.failures[0].kind == "error"
    assert "nope_missing" in report.failures[0].message


def test_fastapi_app_runs_inside_the_sandbox(tmp_path: Path) -> None:
    files = {
        "app/main.py": """\
            from fastapi import FastAPI

            app = FastAPI()
            ITEMS = {}


            @app.post("/items/{item_id}")
            def create(item_id: int, name: str):
                ITEMS[item_id] = name
                return {"id": item_id, "name": name}


            @app.get("/items/{item_id}")
            def read(item_id: int):
                return {"id": item_id, "name": ITEMS.get(item_id)}
            """,
        "tests/test_api.py": """\
            from fastapi.testclient import TestClient

            from app.main import app


            def test_roundtrip():
                client = TestClient(app)
                assert client.post("/items/1", params={"name": "pen"}).status_code == 200
                assert client.get("/items/1").json() == {"id": 1, "name": "pen"}
            """,
    }
    project = python_project(tmp_path / "proj", extra_app=files)
    report = run_python_tests(project, source_dirs=["app"], test_dir="tests", limits=LIMITS)
    assert report.tests_passed == 3, report.output_tail
    assert report.value == 100.0


def test_rlimit_only_mode_runs_and_says_so(tmp_path: Path, monkeypatch) -> None:
    import grokorc_assets.testrun.python_runner as runner_module

    real = runner_module.run_sandboxed
    monkeypatch.setattr(runner_module, "run_sandboxed",
                        lambda *a, **kw: real(*a, **kw, mode="rlimit-only"))
    project = python_project(tmp_path / "proj")
    report = run_python_tests(project, source_dirs=["app"], test_dir="tests", limits=LIMITS)
    assert report.sandbox_mode == "rlimit-only"
    assert report.value == 100.0 and report.tests_passed == 2
    assert any("RLIMIT_NPROC" in note for note in report.notes)


def test_the_sandboxed_run_loads_no_plugin_of_the_venv(tmp_path: Path) -> None:
    # The venv has xdist, pytest-timeout and anyio's plugin; a generated suite needs none of them.
    probe = ("import sys\n\n\ndef test_only_pytests_own_plugins(request):\n"
             "    names = {type(p).__module__ if not hasattr(p, '__name__') else p.__name__\n"
             "             for p in request.config.pluginmanager.get_plugins()}\n"
             "    assert not any(n.startswith(('xdist', 'pytest_timeout', 'anyio')) for n in names), names\n"
             "    assert 'xdist' not in sys.modules\n")
    project = python_project(tmp_path / "proj", extra_tests={"tests/test_plugins.py": probe})
    report = run_python_tests(project, source_dirs=["app"], test_dir="tests", limits=LIMITS)
    assert (report.tests_passed, report.tests_failed) == (3, 0), report.failures
