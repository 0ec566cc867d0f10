"""Which executor a build gets (jobs.py), and a bad GROKORC_EXECUTOR refused before anything is stored."""

import subprocess
import sys

import pytest

from grokorc_assets.jobs import executor_for
from grokorc_assets.settings import ConfigError
from grokorc_assets.storage.requests import RequestStore

LIVE = {"GROKORC_LLM_PROVIDER": "openai", "GROKORC_LLM_BASE_URL": "http://127.0.0.1:9/v1",
        "GROKORC_LLM_MODEL": "openai/gpt-4o-mini"}


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "in_process"),
        (LIVE, "multiprocess"),
        ({**LIVE, "GROKORC_LLM_RECORD_MODE": "replay"}, "in_process"),
        ({"GROKORC_EXECUTOR": "multiprocess"}, "multiprocess"),
        ({**LIVE, "GROKORC_EXECUTOR": "in_process"}, "in_process"),
    ],
)
def test_the_executor_follows_the_llm_mode(env, expected):
    assert executor_for(env) == expected


def test_an_unknown_executor_is_a_configuration_error():
    with pytest.raises(ConfigError, match="GROKORC_EXECUTOR"):
        executor_for({"GROKORC_EXECUTOR": "threads"})


def test_build_with_an_unknown_executor_exits_2_and_stores_nothing(cli_env, engine, project_id):
    proc = subprocess.run(
        [sys.executable, "-m", "grokorc_assets.cli", "build", "A blog with comments", "--project-id", project_id],
        env={**cli_env, "GROKORC_EXECUTOR": "threads"}, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 2, proc.stderr
    assert "GROKORC_EXECUTOR" in proc.stderr
    assert RequestStore(engine).revisions(project_id) == []
