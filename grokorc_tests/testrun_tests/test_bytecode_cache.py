"""The sandbox's read-only bytecode cache covers everything a generated project's test run imports from
the venv: a package missing from ``testrun/defaults.yaml`` would be compiled from source in every
sandboxed run (fastapi's opentelemetry and starlette's httpx2 were: 93 modules a run, about 0.2 s of
the dashboard's test run, bench/bench_sandbox_bytecode.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

from grokorc_assets.generation import generate_backend
from grokorc_assets.planning.inference import infer_plan
from grokorc_assets.testrun.bytecode import build_bytecode_cache

# pytest in the generated project's tests, as the sandboxed run does (coverage imported too), then the
# source file of every module it imported.
DRIVER = """
import json, sys
import coverage, pytest
code = pytest.main(["-q", "-p", "no:cacheprovider", "tests"])
files = sorted({m.__file__ for m in list(sys.modules.values()) if (getattr(m, "__file__", None) or "").endswith(".py")})
json.dump({"code": int(code), "files": files}, open(sys.argv[1], "w"))
"""


def cached_pyc(cache: Path, source: str) -> Path:
    # With PYTHONPYCACHEPREFIX, a module's bytecode sits at <prefix>/<source dir>/<stem>.<tag>.pyc.
    path = Path(source).resolve()
    return Path(f"{cache}{path.parent}") / f"{path.stem}.{sys.implementation.cache_tag}.pyc"


def test_every_venv_module_a_generated_test_run_imports_has_cached_bytecode(tmp_path: Path) -> None:
    cache = build_bytecode_cache(tmp_path / "pycache")  # built from the list as it is, not an older cache
    assert cache is not None
    plan = infer_plan("A recipe sharing site where cooks post recipes with ingredients and readers rate them")
    generate_backend(plan, tmp_path / "workspace")
    project = tmp_path / "workspace" / "agents" / "backend" / "backend"
    out = tmp_path / "modules.json"
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(cache), "PYTHONDONTWRITEBYTECODE": "1",
           "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    done = subprocess.run([sys.executable, "-c", DRIVER, str(out)], cwd=project, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    imported = json.loads(out.read_text())
    assert imported["code"] == 0
    venv = sysconfig.get_paths()["purelib"]
    from_venv = [f for f in imported["files"] if f.startswith(venv)]
    assert len(from_venv) > 100  # fastapi, pydantic, pytest, coverage...
    uncached = [f.removeprefix(venv) for f in from_venv if not cached_pyc(cache, f).is_file()]
    assert uncached == []
