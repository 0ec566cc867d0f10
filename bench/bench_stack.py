"""Benchmark: the production stack under Docker (scripts/stack.sh, docker-compose.yml).

Measures, in one command on this machine:
- cold build (with --cold): the debootstrap base, the wheelhouse and every image from nothing;
- `scripts/stack.sh up` from cached images, until every service is healthy;
- one build through the DockerRunLauncher: `grokorc submit` on the host to a stored result (queue, run
  container start, the run itself), and the run alone (Dagster's start and end times);
- the same request built by the local `grokorc build` (embedded defaults) in the same command: the ratio;
- `scripts/stack.sh down`.

Usage: .venv/bin/python bench/bench_stack.py [--cold] [--json]
Needs the engine to itself: it refuses to run beside another grokorc stack.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_build import DASHBOARD, one_build, private_home  # noqa: E402

from grokorc_tests.polling import wait_for  # noqa: E402
from grokorc_tests.stack_tests.stack import (  # noqa: E402
    STATE_DIR,
    Stack,
    docker,
    port_env,
    project_containers,
    stack_sh,
)

IMAGES = ("grokorc-user-code:0.1.0", "grokorc-postgres:18-pgvector", "grokorc-monitoring:0.1.0",
          "grokorc-base:bookworm")


def timed(*args: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = stack_sh(*args, env=env)
    if done.returncode != 0:
        raise SystemExit(f"scripts/stack.sh {' '.join(args)} exited {done.returncode}: {done.stderr[-3000:]}")
    return time.perf_counter() - start


def forget_images() -> None:
    docker("rmi", "-f", *IMAGES, check=False)
    docker("builder", "prune", "-af", check=False)
    docker("image", "prune", "-f", check=False)
    shutil.rmtree(STATE_DIR / "wheelhouse", ignore_errors=True)


def stack_build(stack: Stack, home: Path) -> tuple[float, float]:
    """(submit to stored result, the run alone) in seconds, for the dashboard request."""
    start = time.perf_counter()
    done = stack.grokorc("submit", DASHBOARD, "--project-id", "bench-stack", home=home)
    if done.returncode != 0:
        raise SystemExit(done.stderr[-2000:])
    result = wait_for(lambda: stack.result("bench-stack", home), "the stack's build", 900, interval=0.5)
    elapsed = time.perf_counter() - start
    if result["status"] != "success":
        raise SystemExit(f"the stack's build ended {result['status']}")
    (run,) = stack.runs("bench-stack")
    times = stack.graphql('query T($id: ID!) { runOrError(runId: $id) { ... on Run { startTime endTime } } }',
                          {"id": run["runId"]})["runOrError"]
    return elapsed, times["endTime"] - times["startTime"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cold", action="store_true", help="also time building the base and images from nothing")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if project_containers():
        raise SystemExit("another grokorc stack is on this engine: run scripts/stack.sh down first")
    env = port_env() | {"GROKORC_STACK_GRAFANA": "no"}
    rows: list[dict] = []
    if args.cold:
        forget_images()
        rows.append({"figure": "cold build: debootstrap base, wheelhouse, 3 images", "value": timed("build", env=env),
                     "unit": "s"})
    else:
        timed("build", env=env)  # images up to date, so `up` below is timed from cached images
    rows.append({"figure": "scripts/stack.sh up (cached images) to healthy", "value": timed("up", env=env),
                 "unit": "s"})
    try:
        home = Path(tempfile.mkdtemp(prefix="grokorc-bench-stack-"))
        submitted, run_only = stack_build(Stack(env), home)
    finally:
        rows.append({"figure": "scripts/stack.sh down", "value": timed("down", "--purge", env=env), "unit": "s"})
    with private_home("grokorc-bench-stack-local-") as local_env:
        local, _, _ = one_build(local_env, 1)
    rows += [
        {"figure": "dashboard build through the DockerRunLauncher: submit to result", "value": submitted, "unit": "s"},
        {"figure": "  of which the run (Dagster start to end)", "value": run_only, "unit": "s"},
        {"figure": "same request, local grokorc build", "value": local, "unit": "s"},
        {"figure": "ratio stack / local", "value": submitted / local, "unit": ""},
    ]
    if args.json:
        print(json.dumps({"rows": rows}, indent=2))
        return
    for row in rows:
        print(f"{row['figure']:<66} {row['value']:>8.1f} {row['unit']}")


if __name__ == "__main__":
    main()
