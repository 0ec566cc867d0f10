"""Run every benchmark of bench/ and print one table: figure, value, unit, reference, ratio, target met.

    .venv/bin/python bench/run_all.py                 # the full set, default run counts (long: builds, browser)
    .venv/bin/python bench/run_all.py --quick         # small run counts: a smoke test of the plumbing
    .venv/bin/python bench/run_all.py --only plan --only pixelmatch   # or --only plan,pixelmatch
    .venv/bin/python bench/run_all.py --skip backfill

Each bench runs as its own subprocess with ``--json``, one after the other (never in parallel: the figures are
wall-clock times on a 2-core machine), and prints ``{"rows": [row, ...], ...}``. A row is
``{"figure", "value", "unit", "reference", "ratio", "target"}``: ``reference`` is the number compared against
(a target, or a reference implementation measured in the same run), ``ratio = value / reference`` and
``target`` reads ``"ratio <= 1"``, ``"ratio >= 100"``, ... or is empty for a figure without a target.

Writes bench/results/latest.json (machine, every bench's full output, the rows) and bench/results/latest.md
(the Markdown table, headed with the machine it came from) — the latter is what goes into the README.
Each bench's stderr is kept in bench/results/logs/NAME.stderr. Exit status 1 if a bench failed to report.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent

# name, script, extra arguments for --quick (the full run uses each script's defaults), in running order:
# the quick and light ones first, the builds and the daemon backfill last.
BENCHES = [
    ("generation", "bench_generation.py", ["--runs", "5"]),
    ("pixelmatch", "bench_pixelmatch.py", ["--runs", "3", "--rounds", "1", "--pypi-runs", "1"]),
    ("plan", "bench_plan.py", ["--vectors", "2000", "--queries", "20", "--runs", "10"]),
    ("metrics_sensor", "bench_metrics_sensor.py", ["--events", "100", "--repeat", "2"]),
    ("coverage", "bench_coverage.py", ["--runs", "1"]),
    ("browser", "bench_browser.py", ["--repeats", "2"]),
    ("visual_test", "bench_visual_test.py", ["--runs", "1"]),
    ("external_prompts", "bench_external_prompts.py", ["--limit", "2"]),
    ("build", "bench_build.py", ["--runs", "1"]),
    ("backfill", "bench_backfill.py", ["--projects", "2", "--timeout", "900"]),
]
TARGET = re.compile(r"^\s*ratio\s*(<=|>=|<|>|==)\s*([0-9.eE+-]+)\s*$")
OPS = {"<=": float.__le__, ">=": float.__ge__, "<": float.__lt__, ">": float.__gt__, "==": float.__eq__}


# ---------------------------------------------------------------------------------------------- machine


def _run_text(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def _proc_field(path: str, key: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.split(":")[0].strip() == key:
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def machine() -> dict:
    mem_kb = _proc_field("/proc/meminfo", "MemTotal").split()
    commit = _run_text(["git", "rev-parse", "--short", "HEAD"])
    dirty = _run_text(["git", "status", "--porcelain", "--untracked-files=no"])
    return {
        "uname": _run_text(["uname", "-srm"]) or f"{platform.system()} {platform.release()} {platform.machine()}",
        "cpu": _proc_field("/proc/cpuinfo", "model name") or platform.processor() or "unknown",
        "cores": os.cpu_count(),
        "memory_gib": round(int(mem_kb[0]) / 2**20, 1) if mem_kb else None,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit + (" (uncommitted changes)" if commit and dirty else ""),
        "python": platform.python_version(),
    }


# ---------------------------------------------------------------------------------------------- one bench


def parse_output(stdout: str):
    """The bench's JSON document: the whole stdout, or else the last line-initial document in it (a stray
    line printed before the JSON must not lose the figures)."""
    try:
        return json.loads(stdout)
    except json.JSONDecodeError:
        pass
    starts = [m.start() + 1 for m in re.finditer(r"\n[\[{]", stdout)]
    decoder = json.JSONDecoder()
    for start in reversed(starts):
        try:
            return decoder.raw_decode(stdout[start:])[0]
        except json.JSONDecodeError:
            continue
    raise ValueError("no JSON document on stdout")


def backfill_rows(out: dict) -> list[dict]:
    """bench_backfill.py prints a flat dict of figures (no rows): turn the headline ones into rows."""
    rows = []
    if "projects_per_minute" in out:
        rows.append({"figure": f"backfill of {out.get('projects')} projects through the daemon", "unit": "projects/min",
                     "value": out["projects_per_minute"], "reference": None, "ratio": None, "target": ""})
    if out.get("projects"):
        rows.append({"figure": "backfill: runs that succeeded", "value": out.get("succeeded"), "unit": "",
                     "reference": out["projects"], "ratio": (out.get("succeeded") or 0) / out["projects"],
                     "target": "ratio >= 1"})
    for key, label in (("run_seconds_mean", "backfill: run duration (mean)"),
                       ("peak_rss_daemon_and_runs_mb", "backfill: peak RSS, daemon + run processes")):
        if out.get(key) is not None:
            rows.append({"figure": label, "value": out[key], "unit": "MB" if key.endswith("_mb") else "s",
                         "reference": None, "ratio": None, "target": ""})
    return rows


def rows_of(name: str, out) -> list[dict]:
    if isinstance(out, list):  # a bare list of rows
        return out
    if isinstance(out, dict) and isinstance(out.get("rows"), list):
        return out["rows"]
    if name == "backfill" and isinstance(out, dict):
        return backfill_rows(out)
    raise ValueError("the JSON output has no rows")


def met(row: dict) -> str:
    """'yes' / 'no' for a row with a target, '' without one."""
    if "met" in row and isinstance(row["met"], bool):
        return "yes" if row["met"] else "no"
    match = TARGET.match(row.get("target") or "")
    if not match:
        return ""
    if row.get("ratio") is None:
        return "n/a"
    return "yes" if OPS[match.group(1)](float(row["ratio"]), float(match.group(2))) else "no"


def run_bench(name: str, script: str, args: list[str], timeout: float, logs: Path) -> dict:
    cmd = [sys.executable, str(BENCH / script), "--json", *args]
    record = {"name": name, "command": " ".join([Path(sys.executable).name, f"bench/{script}", "--json", *args])}
    log = logs / f"{name}.stderr"
    started = time.monotonic()
    with log.open("w") as stderr:
        # Own session, so a timeout can stop the bench's whole tree (browsers, Postgres, daemons) by its group id.
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=stderr, text=True,
                                start_new_session=True)
        try:
            stdout, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            for sig in (signal.SIGTERM, signal.SIGKILL):
                try:
                    os.killpg(proc.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    stdout, _ = proc.communicate(timeout=30)
                    break
                except subprocess.TimeoutExpired:
                    continue
            else:
                stdout = ""
            record["error"] = f"timed out after {timeout:g} s"
    record.update(seconds=round(time.monotonic() - started, 1), returncode=proc.returncode)
    if "error" not in record:
        try:
            out = parse_output(stdout or "")
            record["rows"] = [{"bench": name, **row, "met": met(row)} for row in rows_of(name, out)]
            record["output"] = {k: v for k, v in out.items() if k != "rows"} if isinstance(out, dict) else None
        except ValueError as exc:
            record["error"] = f"exit {proc.returncode}: {exc}"
    if "error" in record:
        tail = log.read_text(errors="replace").strip().splitlines()[-5:]
        record["stderr_tail"] = tail
    return record


# ---------------------------------------------------------------------------------------------- output


def fmt(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 1 or magnitude == 0:
        return f"{value:.2f}"
    return f"{value:.3g}"


COLUMNS = ("figure", "value", "unit", "reference", "ratio", "target", "met")


def table_cells(row: dict) -> list[str]:
    return [str(row.get("figure", "")), fmt(row.get("value")), str(row.get("unit") or ""), fmt(row.get("reference")),
            fmt(row.get("ratio")), str(row.get("target") or ""), row["met"]]


def print_table(rows: list[dict]) -> None:
    cells = [list(COLUMNS), *[table_cells(r) for r in rows]]
    widths = [max(len(c[i]) for c in cells) for i in range(len(COLUMNS))]
    right = {1, 3, 4}
    for n, line in enumerate(cells):
        padded = (c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(line, widths, strict=True)))
        print("  ".join(padded).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


def markdown(info: dict, mode: str, records: list[dict], rows: list[dict], separately: list[str]) -> str:
    load = ", ".join(f"{x:.2f}" for x in info["load_average_at_start"])
    load_end = ", ".join(f"{x:.2f}" for x in info.get("load_average_at_end", []))
    lines = [
        f"Benchmarks ({mode} run) of {info['date']}, commit {info['commit'] or 'unknown'}:",
        f"`{info['uname']}`, {info['cpu']}, {info['cores']} cores, {info['memory_gib']} GiB memory, "
        f"load average {load} at start ({load_end} at the end), Python {info['python']}.",
        "",
        "| figure | value | unit | reference | ratio | target | met |",
        "|---|--:|---|--:|--:|---|---|",
    ]
    for row in rows:
        cells = [c.replace("|", "\\|") for c in table_cells(row)]
        cells[5] = cells[5] or "–"
        cells[6] = cells[6] or "–"
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("Runs: " + "; ".join(f"{r['command'].split()[1]} {r['seconds']:.0f} s" for r in records) + ".")
    failed = [r for r in records if "error" in r]
    if failed:
        lines.append("Failed: " + "; ".join(f"{r['name']} ({r['error']})" for r in failed) + ".")
    if separately:
        lines.append("Run separately (no --json yet): " + ", ".join(separately) + ".")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------- main


def select(names: list[str] | None, skip: list[str] | None) -> list[tuple[str, str, list[str]]]:
    def split(values):
        return {v.strip().removeprefix("bench_").removesuffix(".py") for arg in values or [] for v in arg.split(",")
                if v.strip()}

    only, skipped = split(names), split(skip)
    known = {name for name, _, _ in BENCHES}
    unknown = (only | skipped) - known
    if unknown:
        raise SystemExit(f"unknown bench(es): {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}")
    return [b for b in BENCHES if (not only or b[0] in only) and b[0] not in skipped]


def has_json_flag(script: Path) -> bool:
    return script.is_file() and "--json" in script.read_text(errors="replace")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small run counts: smoke-test the plumbing")
    parser.add_argument("--only", action="append", metavar="NAME", help="run only these benches (repeatable, a,b)")
    parser.add_argument("--skip", action="append", metavar="NAME", help="leave these benches out (repeatable, a,b)")
    parser.add_argument("--timeout", type=float, default=7200, help="seconds per bench before it is stopped")
    parser.add_argument("--results", type=Path, default=BENCH / "results", help="where latest.json/.md go")
    parser.add_argument("--list", action="store_true", help="list the benches and exit")
    args = parser.parse_args(argv)
    chosen = select(args.only, args.skip)
    if args.list:
        for name, script, quick in BENCHES:
            print(f"{name:<17} bench/{script:<28} --quick: {' '.join(quick)}")
        return 0

    separately, runnable = [], []
    for name, script, quick in chosen:
        if has_json_flag(BENCH / script):
            runnable.append((name, script, quick if args.quick else []))
        elif (BENCH / script).is_file():
            separately.append(f"bench/{script}")
    mode = "quick" if args.quick else "full"
    info = machine()
    logs = args.results / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    print(f"{mode} run on {info['uname']}, {info['cpu']}, {info['cores']} cores, {info['memory_gib']} GiB, "
          f"load {info['load_average_at_start'][0]:.2f}, commit {info['commit']}", file=sys.stderr)

    records, rows = [], []
    for i, (name, script, extra) in enumerate(runnable, 1):
        print(f"[{i}/{len(runnable)}] {name}: bench/{script} --json {' '.join(extra)}".rstrip(), file=sys.stderr,
              flush=True)
        record = run_bench(name, script, extra, args.timeout, logs)
        records.append(record)
        rows += record.get("rows", [])
        status = record.get("error") or f"{len(record['rows'])} rows"
        print(f"    {record['seconds']:.1f} s, {status}", file=sys.stderr, flush=True)
        for line in record.get("stderr_tail", []):
            print(f"    | {line}", file=sys.stderr)

    info["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print()
    print_table(rows)
    failed = [r["name"] for r in records if "error" in r]
    if failed:
        print(f"\nfailed: {', '.join(failed)} (see {logs}/NAME.stderr)")
    if separately:
        print(f"run separately: {', '.join(separately)}")

    args.results.mkdir(parents=True, exist_ok=True)
    document = {"mode": mode, "machine": info, "rows": rows, "benches": records, "run_separately": separately}
    (args.results / "latest.json").write_text(json.dumps(document, indent=2) + "\n")
    (args.results / "latest.md").write_text(markdown(info, mode, records, rows, separately))
    print(f"\nwrote {args.results / 'latest.json'} and {args.results / 'latest.md'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
