"""Benchmark: sandboxed pytest + coverage run of a generated FastAPI CRUD project.

    .venv/bin/python bench/bench_coverage.py [--runs 5] [--json]

Writes a FastAPI app with five entities (CRUD routes each) and its tests into a temp dir, then
times ``run_python_tests`` (bwrap sandbox: coverage run + json + html) against the very same three
commands run directly, unsandboxed, with the same environment. Target: median < 5 s sandboxed.
--json prints {"rows": [...], ...} with the sandboxed median and the sandbox overhead ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from grokorc_assets.sandbox import Limits, run_sandboxed
from grokorc_assets.sandbox.env import build_env
from grokorc_assets.testrun import run_python_tests
from grokorc_assets.testrun.bytecode import bytecode_cache

ENTITIES = ["order", "region", "product", "customer", "invoice"]
TARGET_SECONDS = 5.0

ROUTES = '''
class {Cls}(BaseModel):
    name: str
    quantity: int = 0


{name}_store: dict[int, {Cls}] = {{}}


@app.post("/{name}s/{{item_id}}", status_code=201)
def create_{name}(item_id: int, item: {Cls}) -> {Cls}:
    if item_id in {name}_store:
        raise HTTPException(status_code=409, detail="exists")
    {name}_store[item_id] = item
    return item


@app.get("/{name}s")
def list_{name}s() -> list[{Cls}]:
    return list({name}_store.values())


@app.get("/{name}s/{{item_id}}")
def read_{name}(item_id: int) -> {Cls}:
    if item_id not in {name}_store:
        raise HTTPException(status_code=404, detail="missing")
    return {name}_store[item_id]


@app.put("/{name}s/{{item_id}}")
def update_{name}(item_id: int, item: {Cls}) -> {Cls}:
    read_{name}(item_id)
    {name}_store[item_id] = item
    return item


@app.delete("/{name}s/{{item_id}}", status_code=204)
def delete_{name}(item_id: int) -> None:
    read_{name}(item_id)
    del {name}_store[item_id]
'''

TESTS = '''

def test_{name}_crud():
    assert client.post("/{name}s/1", json={{"name": "a", "quantity": 2}}).status_code == 201
    assert client.post("/{name}s/1", json={{"name": "a"}}).status_code == 409
    assert client.get("/{name}s").json() == [{{"name": "a", "quantity": 2}}]
    assert client.put("/{name}s/1", json={{"name": "b"}}).json()["name"] == "b"
    assert client.get("/{name}s/1").json()["name"] == "b"
    assert client.delete("/{name}s/1").status_code == 204
    assert client.get("/{name}s/1").status_code == 404
'''


def write_project(root: Path) -> Path:
    app = ["from fastapi import FastAPI, HTTPException\nfrom pydantic import BaseModel\n\n"
           "app = FastAPI()\n"]
    tests = ["from fastapi.testclient import TestClient\n\nfrom app.main import app\n\n"
             "client = TestClient(app)\n"]
    for name in ENTITIES:
        app.append(ROUTES.format(name=name, Cls=name.capitalize()))
        tests.append(TESTS.format(name=name))
    (root / "app").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "main.py").write_text("".join(app))
    (root / "tests" / "test_api.py").write_text("".join(tests))
    return root


def unsandboxed_run(project: Path) -> float:
    """The same coverage run/json/html commands, directly, same environment."""
    reports = project / "bench-reports"
    reports.mkdir(exist_ok=True)
    env, _ = build_env(home=reports, tmpdir=reports, extra_path=[str(Path(sys.executable).parent)],
                       extra={"PYTHONPYCACHEPREFIX": str(bytecode_cache())})
    data = f"--data-file={reports / '.coverage'}"
    cov = [sys.executable, "-m", "coverage"]
    commands = [
        [*cov, "run", "--branch", "--source=app", data, "-m", "pytest", "tests",
         f"--junitxml={reports / 'junit.xml'}", "-q", "-p", "no:cacheprovider"],
    ]
    # Same report step as the sandboxed path: json + html from one interpreter.
    script = ("import sys, coverage\ncov = coverage.Coverage(data_file=sys.argv[1])\ncov.load()\n"
              "cov.json_report(outfile=sys.argv[2])\ncov.html_report(directory=sys.argv[3])\n")
    commands.append([sys.executable, "-c", script, str(reports / ".coverage"),
                     str(reports / "coverage.json"), str(reports / "html")])
    started = time.monotonic()
    for cmd in commands:
        subprocess.run(cmd, cwd=project, env=env, check=True, capture_output=True)
    return time.monotonic() - started


def startup_overhead(project: Path, runs: int) -> tuple[float, float]:
    """Median wall time of a bare ``python -c pass``, sandboxed vs direct: the sandbox's own cost
    (bwrap mounts/namespaces, setpriv, chown of the workspace, reap) without the test workload."""
    cmd = [sys.executable, "-c", "pass"]
    sandboxed, direct = [], []
    for _ in range(runs):
        started = time.monotonic()
        run_sandboxed(cmd, workdir=project, limits=Limits())
        sandboxed.append(time.monotonic() - started)
        started = time.monotonic()
        subprocess.run(cmd, check=True)
        direct.append(time.monotonic() - started)
    return statistics.median(sandboxed), statistics.median(direct)


def json_report(runs: int, report, sandboxed: list[float], plain: list[float], start_s: float,
                start_p: float) -> dict:
    med_s, med_p = statistics.median(sandboxed), statistics.median(plain)
    rows = [
        {"figure": f"coverage run, sandboxed ({len(ENTITIES)}-entity FastAPI CRUD, median)", "value": med_s,
         "unit": "s", "reference": TARGET_SECONDS, "ratio": med_s / TARGET_SECONDS, "target": "ratio < 1"},
        {"figure": "same, sandboxed vs unsandboxed (sandbox overhead)", "value": med_s, "unit": "s",
         "reference": med_p, "ratio": med_s / med_p, "target": ""},
        {"figure": "bare `python -c pass`, sandboxed vs direct", "value": start_s * 1000, "unit": "ms",
         "reference": start_p * 1000, "ratio": start_s / start_p, "target": ""},
    ]
    return {"rows": rows, "runs": runs, "sandboxed_s": sandboxed, "unsandboxed_s": plain,
            "sandbox_mode": report.sandbox_mode, "tests_passed": report.tests_passed,
            "tests_failed": report.tests_failed, "line_coverage": report.value, "branch_coverage": report.branch,
            "load_average_at_end": os.getloadavg()[0]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    bytecode_cache()  # one-off warm-up, not part of any timed run
    with tempfile.TemporaryDirectory(prefix="grokorc-bench-") as tmp:
        project = write_project(Path(tmp) / "crud")
        sandboxed, plain, report = [], [], None
        for _ in range(args.runs):  # interleaved, so machine load affects both alike
            started = time.monotonic()
            report = run_python_tests(project, source_dirs=["app"], test_dir="tests", limits=Limits())
            sandboxed.append(time.monotonic() - started)
            plain.append(unsandboxed_run(project))
        start_s, start_p = startup_overhead(project, args.runs * 4)
    med_s, med_p = statistics.median(sandboxed), statistics.median(plain)
    if args.json:
        print(json.dumps(json_report(args.runs, report, sandboxed, plain, start_s, start_p), indent=2))
        return
    print(f"project: FastAPI, {len(ENTITIES)} entities x 5 CRUD routes, {len(ENTITIES)} tests")
    print(f"result: mode={report.sandbox_mode} tests_passed={report.tests_passed} "
          f"tests_failed={report.tests_failed} line={report.value}% branch={report.branch}%")
    for label, wall in (("sandboxed  ", sandboxed), ("unsandboxed", plain)):
        print(f"{label} runs={args.runs} wall median={statistics.median(wall):.2f}s "
              f"min={min(wall):.2f}s max={max(wall):.2f}s")
    print(f"bare start-up ({args.runs * 4} runs of `python -c pass`): "
          f"sandboxed median={start_s * 1000:.0f} ms, direct median={start_p * 1000:.0f} ms, "
          f"sandbox cost {(start_s - start_p) * 1000:+.0f} ms per command")
    print(f"sandbox overhead: {med_s - med_p:+.2f}s ({(med_s / med_p - 1) * 100:+.0f}%)")
    print(f"load average at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cpus")
    print(f"target median < {TARGET_SECONDS:.1f}s: {'PASS' if med_s < TARGET_SECONDS else 'FAIL'}")


if __name__ == "__main__":
    main()
