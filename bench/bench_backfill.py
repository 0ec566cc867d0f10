"""Throughput through the real daemon: N small projects, projects per minute, peak memory.

    .venv/bin/python bench/bench_backfill.py [--projects 20] [--via submit|backfill] [--json]

--via submit (the default) stores the N requests as `grokorc submit` does and lets the request sensor of
`grokorc dev` launch one run each; --via backfill launches `dagster job backfill` over their partitions.

Starts `grokorc dev` (webserver + daemon, the local instance of dagster.yaml: QueuedRunCoordinator with
2 concurrent runs, one per partition) on a private GROKORC_HOME with its own embedded Postgres, stores N
requests, adds their partitions, launches `dagster job backfill` for all of them and polls until every
run ended. Meanwhile it samples, every --sample-interval seconds, the resident memory (RSS, psutil) of
the daemon plus all run processes (the run workers and their forkserver/step children), and of
everything `grokorc dev` started. Throughput = N / (last run end - backfill launch).

The LLM provider is whatever the environment says (offline by default, so the numbers measure the
orchestration, generation, sandboxed tests and checks, not an LLM endpoint).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from grokorc_tests.deployment_tests.devserver import WORKSPACE, DevServer, dagster_env  # noqa: E402

SUBJECTS = ["photos", "CSV files", "log files", "markdown notes", "invoices", "bookmarks", "recipes", "receipts",
            "podcasts", "expenses"]
TEMPLATES = ["Command-line tool that renames {} by date", "Command-line tool that searches {} by keyword"]


def messages(count: int) -> list[str]:
    out = []
    for i in range(count):
        out.append(TEMPLATES[i % len(TEMPLATES)].format(SUBJECTS[(i // len(TEMPLATES)) % len(SUBJECTS)])
                   + ("" if i < len(SUBJECTS) * len(TEMPLATES) else f" (batch {i})"))
    return out


def classify(proc: psutil.Process) -> str:
    """daemon | code-server | run (a run worker: `dagster api execute_run`, or the spawn child through which
    the local code server executes a run under DefaultRunLauncher) | other."""
    try:
        cmd = " ".join(proc.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return "gone"
    if "dagster._daemon" in cmd or "dagster-daemon" in cmd:
        return "daemon"
    if "execute_run" in cmd or "grokorc_assets.run_worker" in cmd:  # the warm worker and the runs it forked
        return "run"
    if "dagster api grpc" in cmd:
        return "code-server"
    if "multiprocessing.spawn" in cmd:
        try:
            parent = proc.parent()
            if parent is not None and "dagster api grpc" in " ".join(parent.cmdline()):
                return "run"
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            return "gone"
    return "other"


class MemorySampler(threading.Thread):
    """Peak RSS of the daemon + run processes (and of the whole `grokorc dev` tree) while running."""

    def __init__(self, root_pid: int, interval: float):
        super().__init__(daemon=True)
        self.root = psutil.Process(root_pid)
        self.interval = interval
        self.stop_event = threading.Event()
        self.peak_daemon_runs = 0
        self.peak_tree = 0
        self.peak_tree_pss = 0  # proportional set size: shared pages split between the processes
        self.peak_run_workers = 0
        self.samples = 0

    def run(self) -> None:
        while not self.stop_event.is_set():
            self.sample()
            self.stop_event.wait(self.interval)

    def sample(self) -> None:
        try:
            tree = [self.root, *self.root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        kinds = {p.pid: classify(p) for p in tree}
        # A run's children (forkserver, step processes) belong to the run.
        run_pids = set()
        for proc in tree:
            if kinds[proc.pid] == "run":
                run_pids.add(proc.pid)
                try:
                    run_pids.update(c.pid for c in proc.children(recursive=True))
                except psutil.NoSuchProcess:
                    pass
        total = daemon_runs = pss = 0
        for proc in tree:
            try:
                info = proc.memory_full_info()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            rss = info.rss
            total += rss
            pss += info.pss
            if kinds[proc.pid] == "daemon" or proc.pid in run_pids:
                daemon_runs += rss
        self.samples += 1
        self.peak_tree = max(self.peak_tree, total)
        self.peak_tree_pss = max(self.peak_tree_pss, pss)
        self.peak_daemon_runs = max(self.peak_daemon_runs, daemon_runs)
        self.peak_run_workers = max(self.peak_run_workers, sum(1 for p in tree if kinds[p.pid] == "run"))


def parse_time(value) -> float | None:
    return float(value) if value is not None else None


def step_profile(instance, run_ids: list[str]) -> dict:
    """Mean seconds per step over the runs, the time of a run spent outside any step (orchestration
    between steps, run start and end), and from the run's creation to its start (queue and launch)."""
    from dagster import DagsterEventType, RunsFilter

    kinds = {DagsterEventType.STEP_START, DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE,
             DagsterEventType.RUN_START, DagsterEventType.RUN_SUCCESS, DagsterEventType.RUN_FAILURE}
    per_step: dict[str, list[float]] = {}
    outside, waiting = [], []
    records = {r.dagster_run.run_id: r for r in instance.get_run_records(RunsFilter(run_ids=run_ids))}
    for run_id in run_ids:
        started: dict[str, float] = {}
        in_steps, run_start, run_end = 0.0, None, None
        for event in instance.all_logs(run_id, of_type=kinds):
            kind = event.dagster_event.event_type
            if kind == DagsterEventType.RUN_START:
                run_start = event.timestamp
            elif kind in (DagsterEventType.RUN_SUCCESS, DagsterEventType.RUN_FAILURE):
                run_end = event.timestamp
            elif kind == DagsterEventType.STEP_START:
                started[event.step_key] = event.timestamp
            elif event.step_key in started:
                seconds = event.timestamp - started.pop(event.step_key)
                per_step.setdefault(event.step_key, []).append(seconds)
                in_steps += seconds
        if run_start is not None and run_end is not None:
            outside.append(run_end - run_start - in_steps)
            waiting.append(run_start - records[run_id].create_timestamp.timestamp())
    mean = lambda values: round(sum(values) / len(values), 2) if values else None  # noqa: E731
    return {"step_seconds_mean": {key: mean(values) for key, values in per_step.items()},
            "outside_steps_seconds_mean": mean(outside), "created_to_started_seconds_mean": mean(waiting)}


def first_created(instance, run_ids: list[str], since: float) -> float:
    """Seconds from ``since`` to the first run's creation (the request sensor's first launch)."""
    from dagster import RunsFilter

    records = instance.get_run_records(RunsFilter(run_ids=run_ids))
    return round(min(r.create_timestamp.timestamp() for r in records) - since, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=20)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds to wait for the backfill")
    parser.add_argument("--sample-interval", type=float, default=0.5)
    parser.add_argument("--via", choices=("submit", "backfill"), default="submit",
                        help="the request sensor launches the runs (submit) or one `dagster job backfill`")
    parser.add_argument("--keep-home", action="store_true", help="do not delete the private GROKORC_HOME")
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="grokorc-bench-backfill-"))
    env = {k: v for k, v in os.environ.items() if k not in ("GROKORC_DATABASE_URL", "DAGSTER_HOME")}
    env["GROKORC_HOME"] = str(home)
    os.environ.update({"GROKORC_HOME": str(home)})
    os.environ.pop("GROKORC_DATABASE_URL", None)

    from grokorc_assets.cli.runner import submit_request
    from grokorc_assets.instance import get_instance
    from grokorc_assets.partitions import projects_partitions
    from grokorc_assets.settings import Settings
    from grokorc_assets.storage import embedded

    settings = Settings.from_env()
    instance = get_instance(settings)
    server = DevServer(env, home / "dev.log")
    sampler = None
    try:
        server.preset_request_sensor_cursor(0)  # recorded stopped: nothing runs before the clock starts
        server.start()
        server.stop_request_sensor()
        project_ids = [f"bench-{i:03d}" for i in range(args.projects)]
        sampler = MemorySampler(server.proc.pid, args.sample_interval)
        sampler.start()
        if args.via == "submit":
            launched_at = time.time()
            server.start_request_sensor(0)
            for project_id, message in zip(project_ids, messages(args.projects), strict=True):
                submit_request(settings, message, project_id)
            runs = server.wait_for_runs({"grokorc/revision": "1"}, args.projects, args.timeout, interval=2)
        else:
            for project_id, message in zip(project_ids, messages(args.projects), strict=True):
                submit_request(settings, message, project_id)
            instance.add_dynamic_partitions(projects_partitions.name, project_ids)
            launched_at = time.time()
            launched = subprocess.run(
                [sys.executable, "-m", "dagster", "job", "backfill", "-w", str(WORKSPACE), "-j", "build_project",
                 "--partitions", ",".join(project_ids), "--noprompt"],
                env=dagster_env(env), capture_output=True, text=True, timeout=900, check=True,
            )
            backfill_id = re.search(r"Launched backfill job `([^`]+)`", launched.stdout).group(1)
            runs = server.wait_for_runs({"dagster/backfill": backfill_id}, args.projects, args.timeout, interval=5)
        sampler.stop_event.set()
        sampler.join()

        ends = [parse_time(r["endTime"]) for r in runs if r["endTime"]]
        durations = [parse_time(r["endTime"]) - parse_time(r["startTime"]) for r in runs
                     if r["startTime"] and r["endTime"]]
        wall = max(ends) - launched_at
        succeeded = sum(r["status"] == "SUCCESS" for r in runs)
        pg_rss = 0
        state = embedded.status(settings.pgdata)
        if state.running and state.pid:
            pg = psutil.Process(state.pid)
            pg_rss = sum(p.memory_info().rss for p in [pg, *pg.children(recursive=True)])
        figures = {
            "projects": args.projects,
            "succeeded": succeeded,
            "failed": args.projects - succeeded,
            "wall_seconds": round(wall, 1),
            "projects_per_minute": round(args.projects / (wall / 60), 2),
            "run_seconds_mean": round(sum(durations) / len(durations), 1) if durations else None,
            "run_seconds_max": round(max(durations), 1) if durations else None,
            # How long the first run took to start (sensor tick, queue, the warm worker's start-up):
            # a cost paid once per `grokorc dev`, inside the wall time above.
            "first_run_started_after_seconds": round(min(parse_time(r["startTime"]) for r in runs
                                                         if r["startTime"]) - launched_at, 1),
            "max_concurrent_run_workers_seen": sampler.peak_run_workers,
            "peak_rss_daemon_and_runs_mb": round(sampler.peak_daemon_runs / 2**20, 1),
            "peak_rss_all_dagster_processes_mb": round(sampler.peak_tree / 2**20, 1),
            "peak_pss_grokorc_dev_tree_mb": round(sampler.peak_tree_pss / 2**20, 1),
            "via": args.via,
            "postgres_rss_at_end_mb": round(pg_rss / 2**20, 1),
            "memory_samples": sampler.samples,
            "cpus": os.cpu_count(),
            "load_average_1m_at_end": round(os.getloadavg()[0], 2),
            "llm_provider": os.environ.get("GROKORC_LLM_PROVIDER") or "offline",
            "llm_record_mode": os.environ.get("GROKORC_LLM_RECORD_MODE") or "record",
            "first_run_created_after_seconds": first_created(instance, [r["runId"] for r in runs], launched_at),
            **step_profile(instance, [r["runId"] for r in runs]),
        }
    finally:
        if sampler is not None:
            sampler.stop_event.set()
        server.stop()
        instance.dispose()
        embedded.stop(settings.pgdata)
        if not args.keep_home:
            shutil.rmtree(home, ignore_errors=True)

    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"{figures['projects']} projects through the daemon (via {args.via}): {figures['succeeded']} succeeded, "
              f"{figures['failed']} failed")
        print(f"  wall {figures['wall_seconds']} s -> {figures['projects_per_minute']} projects/minute "
              f"(run mean {figures['run_seconds_mean']} s, max {figures['run_seconds_max']} s, "
              f"{figures['max_concurrent_run_workers_seen']} run workers at most)")
        print(f"  peak RSS daemon + runs {figures['peak_rss_daemon_and_runs_mb']} MB; all Dagster processes "
              f"{figures['peak_rss_all_dagster_processes_mb']} MB; Postgres {figures['postgres_rss_at_end_mb']} MB; "
              f"peak PSS of the grokorc dev tree {figures['peak_pss_grokorc_dev_tree_mb']} MB")
        print(f"  {figures['cpus']} CPUs, load {figures['load_average_1m_at_end']} at the end, LLM "
              f"{figures['llm_provider']} ({figures['llm_record_mode']})")
    return 0 if figures["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
