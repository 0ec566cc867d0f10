"""Plain Dagster habits in the repository root, and resources configured the Dagster way.

`dagster definitions validate -w workspace.yaml` and `dg check defs` must work in a shell that exported
nothing (no GROKORC_*, no DAGSTER_*): the repository's dagster.yaml finds grokorc's Postgres itself.
The resources take every setting from a `dagster.EnvVar` and importing the definitions reads no
GROKORC_* variable.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

from grokorc_tests.conftest import REPO_ROOT

VENV_BIN = Path(sys.executable).parent
CANARY_KEY = "sk-canary-0123456789abcdef"


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """What a fresh login shell with the venv active has: no GROKORC_*, no DAGSTER_*, a private HOME."""
    env = {"PATH": f"{VENV_BIN}:/usr/local/bin:/usr/bin:/bin", "HOME": str(home), "VIRTUAL_ENV": sys.prefix,
           "LANG": "C.UTF-8"}
    env.update(extra)
    return env


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture
def private_home():
    home = Path(tempfile.mkdtemp(prefix="grokorc-home-"))
    yield home
    shutil.rmtree(home, ignore_errors=True)


def test_validate_with_nothing_exported_starts_the_embedded_postgres_under_the_cwd(private_home):
    # A copy of the repository root's Dagster files (the package is installed): with GROKORC_HOME unset the
    # embedded server lands in ./.grokorc, here a temporary directory this test stops and removes.
    root = Path(tempfile.mkdtemp(prefix="grokorc-root-"))
    try:
        for name in ("pyproject.toml", "dagster.yaml", "workspace.yaml"):
            shutil.copy(REPO_ROOT / name, root / name)
        proc = run([str(VENV_BIN / "dagster"), "definitions", "validate", "-w", "workspace.yaml"],
                   root, clean_env(private_home))
        output = proc.stdout + proc.stderr
        assert proc.returncode == 0, output
        assert "Validation successful" in output
        assert (root / ".grokorc" / "pg" / "PG_VERSION").exists()
        assert not list(root.glob(".tmp_dagster_home_*")), "Dagster's temporary DAGSTER_HOME is removed"
    finally:
        from grokorc_assets.storage import embedded

        embedded.stop(root / ".grokorc" / "pg")
        shutil.rmtree(root, ignore_errors=True)


def test_validate_in_the_repo_root_needs_no_exports(grokorc_home, engine, private_home):
    # GROKORC_HOME only keeps the server out of the work tree (the test above runs with it unset).
    proc = run([str(VENV_BIN / "dagster"), "definitions", "validate", "-w", "workspace.yaml"],
               REPO_ROOT, clean_env(private_home, GROKORC_HOME=str(grokorc_home)))
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "Validation successful" in output


def test_dg_check_defs_in_the_repo_root_needs_no_exports(grokorc_home, engine, private_home):
    assert (VENV_BIN / "dg").exists(), "dg (dagster-dg-cli) comes with the dev dependencies: run scripts/setup.sh"
    proc = run([str(VENV_BIN / "dg"), "check", "defs"], REPO_ROOT,
               clean_env(private_home, GROKORC_HOME=str(grokorc_home)))
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "All definitions loaded successfully" in output


IMPORT_SPY = r"""
import os, traceback
reads = []
PASS = ("/os.py", "_collections_abc.py", "<frozen os>", "<frozen _collections_abc>")

class SpyEnviron(type(os.environ)):
    def __getitem__(self, key):
        caller = next(f for f in reversed(traceback.extract_stack()[:-1]) if not f.filename.endswith(PASS))
        if "/grokorc_assets/" in caller.filename and str(key).startswith("GROKORC_"):
            reads.append(f"{key} at {caller.filename}:{caller.lineno}")
        return super().__getitem__(key)

e = os.environ
os.environ = SpyEnviron(e._data, e.encodekey, e.decodekey, e.encodevalue, e.decodevalue)
from grokorc_assets.definitions import defs
assert set(defs.resources) >= {"grokorc", "io_manager", "llm"}
print("GROKORC reads:", reads)
"""


def test_importing_the_definitions_reads_no_grokorc_variable(private_home):
    missing = private_home / "does" / "not" / "exist"
    proc = run([sys.executable, "-c", IMPORT_SPY], private_home,
               clean_env(private_home, GROKORC_HOME=str(missing), GROKORC_DATABASE_URL="not a url",
                         GROKORC_LLM_PROVIDER="no such provider"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "GROKORC reads: []" in proc.stdout, proc.stdout
    assert not missing.parent.exists()
    assert not (private_home / ".grokorc").exists()


def configured_values() -> dict[str, dict[str, object]]:
    """Each resource's configured values as the Dagster UI shows them (the repository snapshot)."""
    from dagster._core.remote_representation.external_data import RepositorySnap, ResourceConfigEnvVarSnap

    from grokorc_assets.definitions import defs

    snap = RepositorySnap.from_def(defs.get_repository_def())
    return {
        r.name: {k: ("env", v.name) if isinstance(v, ResourceConfigEnvVarSnap) else v
                 for k, v in r.configured_values.items()}
        for r in snap.resources
    }


def test_every_resource_setting_is_an_env_var_shown_by_name():
    from grokorc_assets.resources import GrokorcState, JsonIOManager, LLMResource
    from grokorc_assets.settings import RESOURCE_ENV_VARS

    values = configured_values()
    classes = {"grokorc": GrokorcState, "io_manager": JsonIOManager, "llm": LLMResource}
    for key, cls in classes.items():
        assert values[key] == {field: ("env", var) for field, var in cls.ENV_VARS.items()}, key
    assert values["llm"]["api_key"] == ("env", "GROKORC_LLM_API_KEY")
    assert values["grokorc"]["home"] == values["io_manager"]["home"] == ("env", "GROKORC_HOME")
    named = {var for cls in classes.values() for var in cls.ENV_VARS.values()}
    assert named == set(RESOURCE_ENV_VARS)


def test_compose_run_containers_get_every_resource_variable():
    from grokorc_assets.settings import RESOURCE_ENV_VARS

    launcher = yaml.safe_load((REPO_ROOT / "deploy" / "dagster.yaml").read_text())["run_launcher"]
    assert set(RESOURCE_ENV_VARS) <= set(launcher["config"]["env_vars"])


def llm_resource_with_env_vars():
    from dagster import EnvVar

    from grokorc_assets.resources import LLMResource

    return LLMResource(**{field: EnvVar(var) for field, var in LLMResource.ENV_VARS.items()})


def test_env_vars_resolve_when_the_resource_is_built_and_empty_means_default(monkeypatch):
    from dagster import build_resources

    from grokorc_assets.settings import RESOURCE_ENV_VARS

    for name in RESOURCE_ENV_VARS:
        monkeypatch.setenv(name, "")
    with build_resources({"llm": llm_resource_with_env_vars()}) as resources:
        assert resources.llm.is_offline
        assert resources.llm.settings.record_mode == "record"
        assert resources.llm.settings.api_key is None

    monkeypatch.setenv("GROKORC_LLM_PROVIDER", "openai")
    monkeypatch.setenv("GROKORC_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("GROKORC_LLM_MODEL", "gpt-4o-mini")
    monkeypatch.setenv("GROKORC_LLM_API_KEY", CANARY_KEY)
    monkeypatch.setenv("GROKORC_LLM_RECORD_MODE", "replay")
    with build_resources({"llm": llm_resource_with_env_vars()}) as resources:
        llm = resources.llm
        assert not llm.is_offline
        assert llm.settings.model == "gpt-4o-mini" and llm.settings.record_mode == "replay"
        assert llm.settings.api_key.get_secret_value() == CANARY_KEY
        assert CANARY_KEY not in repr(llm) and CANARY_KEY not in repr(llm.settings)


def test_an_unset_env_var_fails_the_resource_naming_the_variable(monkeypatch):
    # Dagster's rule, the reason every RESOURCE_ENV_VARS is declared (empty) wherever grokorc's code runs.
    from dagster import build_resources
    from dagster._core.errors import DagsterInvalidConfigError

    monkeypatch.delenv("GROKORC_LLM_API_KEY", raising=False)
    with pytest.raises(DagsterInvalidConfigError, match="GROKORC_LLM_API_KEY"):
        with build_resources({"llm": llm_resource_with_env_vars()}):
            pass


def test_a_bad_llm_setting_names_the_variable_and_never_the_key():
    from grokorc_assets.llm import ConfigError
    from grokorc_assets.resources import LLMResource

    llm = LLMResource(provider="openai", api_key=CANARY_KEY, base_url="", model="")
    with pytest.raises(ConfigError) as raised:
        llm.settings  # noqa: B018
    assert "GROKORC_LLM_BASE_URL" in str(raised.value)
    assert CANARY_KEY not in str(raised.value)


def test_a_field_left_none_falls_back_to_the_process_environment(monkeypatch, tmp_path):
    from grokorc_assets.resources import GrokorcState, JsonIOManager

    monkeypatch.setenv("GROKORC_HOME", str(tmp_path / "from-env"))
    assert GrokorcState().settings.home == tmp_path / "from-env"
    assert JsonIOManager().base_dir == tmp_path / "from-env" / "assets"
    assert GrokorcState(home=str(tmp_path / "field")).settings.home == tmp_path / "field"
    monkeypatch.setenv("GROKORC_HOME", "")
    assert JsonIOManager(home="").base_dir == Path("./.grokorc").resolve() / "assets"


def test_undeclared_resource_env_declares_only_what_is_missing():
    from grokorc_assets.settings import RESOURCE_ENV_VARS, undeclared_resource_env

    declared = undeclared_resource_env({"GROKORC_HOME": "/x", "GROKORC_LLM_PROVIDER": ""})
    assert declared == {name: "" for name in RESOURCE_ENV_VARS if name not in ("GROKORC_HOME", "GROKORC_LLM_PROVIDER")}
