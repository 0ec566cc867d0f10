"""The `grokorc` command as a user runs it: real subprocesses, exit codes, nothing lost."""

import json
import subprocess
import sys

import pytest

from grokorc_assets.storage.requests import RequestStore

GROKORC = [sys.executable, "-m", "grokorc_assets.cli"]


def run(args, env, stdin: bytes | None = None, timeout=300):
    return subprocess.run(GROKORC + args, env=env, input=stdin, capture_output=True, timeout=timeout)


BAD_IDS = ["Demo", "-demo", "demo_1", "a" * 64, "../etc", "demo/1", "", "démo", "demo 1", "con.", " demo"]


@pytest.mark.parametrize("bad_id", BAD_IDS)
def test_bad_project_ids_exit_2_and_name_the_problem(cli_env, bad_id):
    proc = run(["submit", "A valid request for a blog", "--project-id", bad_id], cli_env)
    assert proc.returncode == 2, proc.stderr
    assert b"invalid project id" in proc.stderr


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("", b"empty"),
        ("   \n\t ", b"empty"),
        ("x" * 20_001, b"20,001 characters"),
        ("hello\x07world", b"control character U+0007"),
        ("hello\x1b[31mred", b"control character U+001B"),
    ],
)
def test_bad_messages_exit_2_and_store_nothing(cli_env, engine, project_id, message, expected):
    proc = run(["submit", message, "--project-id", project_id], cli_env)
    assert proc.returncode == 2
    assert expected in proc.stderr
    assert RequestStore(engine).revisions(project_id) == []


def test_invalid_utf8_on_stdin_and_in_argv_exit_2(cli_env, engine, project_id):
    from_stdin = run(["submit", "-", "--project-id", project_id], cli_env, stdin=b"caf\xe9 dashboard")
    assert from_stdin.returncode == 2 and b"not valid UTF-8" in from_stdin.stderr
    raw_argv = subprocess.run(
        [sys.executable.encode(), b"-m", b"grokorc_assets.cli", b"submit", b"caf\xe9", b"--project-id",
         project_id.encode()],
        env=cli_env, capture_output=True, timeout=120,
    )
    assert raw_argv.returncode == 2 and b"not valid UTF-8" in raw_argv.stderr
    assert RequestStore(engine).revisions(project_id) == []


def test_exactly_20000_characters_and_unicode_are_accepted(cli_env, engine, project_id):
    message = ("Tableau de bord \u202eRTL\u202c 📊 " * 1000)[:20_000]
    proc = run(["submit", message, "--project-id", project_id], cli_env)
    assert proc.returncode == 0, proc.stderr
    assert RequestStore(engine).get(project_id).message == message


def test_build_json_materialises_the_partition(cli_env, instance, project_id):
    proc = run(["build", "Sales analytics dashboard with revenue by region", "--project-id", project_id,
                "--json"], cli_env)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    result = json.loads(proc.stdout)
    assert result["status"] == "success"
    assert result["project_id"] == project_id and result["revision"] == 1
    assert result["execution"]["assets"]["project_request"]["status"] == "done"
    assert instance.has_dynamic_partition("projects", project_id)
    from dagster import AssetKey

    materialization = instance.get_latest_materialization_event(AssetKey("project_request"))
    assert materialization is not None


def test_unknown_command_is_a_usage_error(cli_env):
    proc = run(["frobnicate"], cli_env)
    assert proc.returncode == 2


def test_diff_prints_the_pixelmatch_count_and_writes_the_diff(cli_env, tmp_path):
    from grokorc_tests.conftest import REPO_ROOT

    fixtures = REPO_ROOT / "grokorc_tests" / "fixtures" / "pixelmatch_v7"
    out_png = tmp_path / "diff.png"
    proc = run(["diff", str(fixtures / "1a.png"), str(fixtures / "1b.png"), "--output", str(out_png)], cli_env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == b"106"  # cases.json "1diffdefaultthreshold": expected 106
    assert out_png.stat().st_size > 0
    strict = run(["diff", str(fixtures / "1a.png"), str(fixtures / "1b.png"), "--threshold", "0.05"], cli_env)
    assert strict.stdout.strip() == b"143"  # cases.json "1diff"
    missing = run(["diff", str(tmp_path / "nope.png"), str(fixtures / "1b.png")], cli_env)
    assert missing.returncode == 2 and b"cannot read" in missing.stderr
