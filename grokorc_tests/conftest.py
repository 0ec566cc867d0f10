"""Session fixtures: a private GROKORC_HOME with a real embedded Postgres and Dagster instance.

The session owns the server it starts and stops it at the end; every test shares it and uses
unique project ids, so tests never depend on each other's data.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SECRET_ENV = ("GROKORC_LLM_API_KEY", "OPENAI_API_KEY")


@pytest.fixture(scope="session")
def grokorc_home() -> Iterator[Path]:
    # Not under pytest's basetemp: every pytest session re-tightens /tmp/pytest-of-<user> to 0700,
    # which would lock the embedded server's unprivileged user out of its data directory.
    home = Path(tempfile.mkdtemp(prefix="grokorc-test-"))
    saved = {k: os.environ.get(k) for k in ("GROKORC_HOME", "GROKORC_DATABASE_URL", "DAGSTER_HOME")}
    os.environ["GROKORC_HOME"] = str(home)
    os.environ.pop("GROKORC_DATABASE_URL", None)
    yield home
    from grokorc_assets.storage import embedded

    embedded.stop(home / "pg")
    shutil.rmtree(home, ignore_errors=True)
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def settings(grokorc_home: Path):
    from grokorc_assets.settings import Settings

    return Settings.from_env()


@pytest.fixture(scope="session")
def engine(settings):
    from grokorc_assets.storage.database import ensure_database

    return ensure_database(settings)


@pytest.fixture(scope="session")
def instance(settings):
    from grokorc_assets.instance import get_instance

    inst = get_instance(settings)
    yield inst
    inst.dispose()


@pytest.fixture
def project_id() -> str:
    return f"t-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def cli_env(grokorc_home: Path, engine) -> dict[str, str]:
    """Environment for `grokorc` subprocesses: the session's home, never the caller's secrets."""
    env = {k: v for k, v in os.environ.items() if k not in SECRET_ENV}
    env["GROKORC_HOME"] = str(grokorc_home)
    env.pop("GROKORC_DATABASE_URL", None)
    return env


# ------------------------------------------------------------------------------------- the "slow" marker
# `pytest -m "not slow"` is the quick local loop (a few minutes); plain `pytest`, as CI runs it, still runs
# everything. A test is slow when it needs a browser, a Dagster run or daemon, `grokorc` subprocesses or an
# external binary (Prometheus stack, bwrap sandbox runs of generated projects), or simply takes > ~2 s.
# Marked here by what a test uses, so new tests that use the same things are marked too. The embedded
# Postgres (pgvector) is started once per session and stays in the fast subset.

# "[directory/::]fixture" -> why every test that uses the fixture (directly or through another fixture) is
# slow. Names that are not distinctive are limited to the test directory that defines them (planning_tests
# has a `dev` fixture that is an evaluation set, not `grokorc dev`).
SLOW_FIXTURES = {
    # Also behind `grokorc dev` (deployment_tests) and the hostile-input CLI driver (hardening_tests).
    "cli_env": "environment for `grokorc` subprocesses: >= 2 s each (interpreter + Dagster import), most build",
    "observability_stack": "starts real Prometheus, Pushgateway and Alertmanager processes",
    "generation_tests/::browser": "launches Chromium through Playwright",
    "hardening_tests/::page": "a page in a Chromium launched for the module",
    "visual_tests/::session": "a shared BrowserSession, i.e. Chromium",
    "foundation_tests/::private_home": "a clean shell for `dagster definitions validate` / `dg check defs` runs",
}

# Directory ("dir/") or module under grokorc_tests/ -> why all its tests are slow.
SLOW_PATHS = {
    "visual_tests/browser/": "every test drives Chromium, several launch their own",
    "fidelity_tests/": "generated projects served in the bwrap sandbox and probed in Chromium",
    "testrun_tests/": "real bwrap sandbox runs of generated projects' tests (timeouts, fork bombs)",
    "serve_tests/test_serve.py": "generated apps served from the bwrap sandbox",
    "serve_tests/test_seed.py": "generated apps served from the bwrap sandbox",
    "generation_tests/test_backend.py": "runs every generated backend's pytest suite with coverage",
    "generation_tests/test_llm_repairs.py": "runs the generated acceptance tests, repeatedly",
    "pipeline_tests/test_build_end_to_end.py": "whole builds (every asset) on the real instance",
    "pipeline_tests/test_slo_checks.py": "whole builds, in-process and through `grokorc build`",
    "pipeline_tests/test_reexecution.py": "`grokorc build` then a resumed run",
    "pipeline_tests/test_worker_killed.py": "`grokorc build`, a killed worker, a resumed run",
    "stack_tests/": "builds images and starts the production stack under a real Docker engine",
    "hardening_tests/test_postgres_restart.py": "restarts the embedded Postgres under a build / sensor tick",
    "observability_tests/test_stack_e2e.py": "real Prometheus, Pushgateway and Alertmanager processes",
}

# Single slow tests ("module::test", optionally with its [param id]) of otherwise fast modules.
SLOW_TESTS = {
    # runs the generated test suites of the sampled projects (~30 s)
    "conflicts_tests/test_corpus.py::test_mediated_projects_still_pass_their_own_tests",
    # training script subprocesses (~10 s and ~3 s)
    "planning_tests/test_archetype_model.py::test_training_script_is_deterministic_and_writes_a_loadable_model",
    "planning_tests/test_archetype_model.py::test_training_script_refuses_a_missing_corpus",
    # `dagster definitions validate` subprocess (~6 s)
    "foundation_tests/test_definitions.py::test_dagster_definitions_validate_passes_on_the_project_instance",
    # a Dagster run through materialize(), then the span exporter's shutdown (~5 s)
    "telemetry_tests/test_step_spans.py::test_steps_become_spans_of_the_runs_trace_and_a_failure_is_an_error_span",
    # promtool unit tests of every alert rule (~3-5 s)
    "observability_tests/test_config_and_rules.py::test_promtool_test_rules",
    # plans and generates a 20,000-word request (~14 s)
    "hardening_tests/test_hostile_generation.py::"
    "test_valid_hostile_message_plans_and_generates_inside_the_workspace[words-20000]",
}

TESTS_DIR = Path(__file__).resolve().parent


def _slow_reason(item: pytest.Item) -> str | None:
    try:
        rel = item.path.resolve().relative_to(TESTS_DIR).as_posix()
    except ValueError:
        return None
    for key, why in SLOW_FIXTURES.items():
        directory, _, name = key.rpartition("::")
        if name in item.fixturenames and rel.startswith(directory):
            return f"fixture {key}: {why}"
    if {f"{rel}::{item.name}", f"{rel}::{getattr(item, 'originalname', item.name)}"} & SLOW_TESTS:
        return "listed in SLOW_TESTS"
    for key in [rel] + [parent.as_posix() + "/" for parent in Path(rel).parents]:
        if key in SLOW_PATHS:
            return f"{key}: {SLOW_PATHS[key]}"
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        reason = _slow_reason(item)
        if reason is not None:
            item.add_marker(pytest.mark.slow(reason=reason))  # the reason: item.get_closest_marker("slow")
    # A moved or renamed module would silently fall into the fast subset: say so.
    paths = [
        *SLOW_PATHS,
        *(key.split("::")[0] for key in SLOW_TESTS),
        *(key.rpartition("::")[0] for key in SLOW_FIXTURES),
    ]
    stale = [path for path in paths if not (TESTS_DIR / path).exists()]
    if stale:
        warnings.warn(
            pytest.PytestConfigWarning(
                f"slow-marker rules in grokorc_tests/conftest.py name missing paths: {', '.join(stale)}"
            ),
            stacklevel=1,
        )
