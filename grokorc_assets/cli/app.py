"""The `grokorc` command line (docs/design.md "Command line").

Exit codes: 0 delivered (warnings allowed), 2 bad input, 3 blocked by an ERROR check, 1 anything else.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.live import Live
from rich.markup import escape
from rich.table import Table

from grokorc_assets.contract import GRAPH_ORDER, SLO_CHECKS, CheckName
from grokorc_assets.llm.errors import ConfigError as LLMConfigError
from grokorc_assets.settings import ConfigError, Settings
from grokorc_assets.validation import BadInputError, decode_message

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_BLOCKED = 0, 1, 2, 3

app = typer.Typer(
    help="Turn a natural-language project request into a delivered, tested project with SLOs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="The embedded Postgres that holds grokorc's state.", no_args_is_help=True)
app.add_typer(db_app, name="db")
out = Console()
err = Console(stderr=True)

MessageArg = Annotated[str, typer.Argument(help="The request, in plain language ('-' reads standard input).")]
ProjectIdOpt = Annotated[
    str | None, typer.Option("--project-id", help="Project id (^[a-z0-9][a-z0-9-]{0,62}$).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def _read_message(message: str) -> str:
    if message == "-":
        return decode_message(sys.stdin.buffer.read())
    return message


@app.command()
def plan(message: MessageArg, as_json: JsonOpt = False) -> None:
    """Stack inference only: print the plan for a request without building anything."""
    from grokorc_assets.planning.entities import not_built_note, unbuilt_technologies
    from grokorc_assets.planning.service import Planner
    from grokorc_assets.storage.database import ensure_database
    from grokorc_assets.validation import validate_message

    text = validate_message(_read_message(message))
    planned, _ = Planner(ensure_database(Settings.from_env())).plan(text, "cli-plan", 1)
    if as_json:
        out.print_json(planned.model_dump_json())
        return
    table = Table(title=f"{planned.archetype} (confidence {planned.confidence:.2f})", show_header=False)
    # A model's plan is untrusted text: escaped, so "[/]" or "[link=...]" in it prints as written.
    for layer, techs in planned.stack.model_dump().items():
        table.add_row(layer, escape(", ".join(techs)) or "-")
    table.add_row("named", escape(", ".join(planned.explicit)) or "-")
    table.add_row("entities", escape(", ".join(planned.entities)))
    table.add_row("features", escape(", ".join(planned.features)) or "-")
    fields = "; ".join(f"{e}: {', '.join(f.name for f in fs)}" for e, fs in planned.fields.items())
    table.add_row("fields", escape(fields) or "-")
    table.add_row("excluded", escape(", ".join(planned.excluded)) or "-")
    if unbuilt := unbuilt_technologies(text):
        table.add_row("not built", escape(not_built_note(unbuilt)))
    table.add_row("acceptance", f"{len(planned.acceptance)} criteria")
    table.add_row("unmet", escape("; ".join(f"{u.what} ({u.reason})" for u in planned.unmet)) or "-")
    table.add_row("pages", escape(", ".join(planned.pages)) or "(no UI)")
    table.add_row("neighbours", escape(", ".join(f"{n.id} {n.similarity:.2f}" for n in planned.neighbours)))
    out.print(table)


@app.command()
def submit(message: MessageArg, project_id: ProjectIdOpt = None) -> None:
    """Store a request; the sensor (under `grokorc dev`) adds the partition and launches its run."""
    from grokorc_assets.cli.runner import submit_request

    request = submit_request(Settings.from_env(), _read_message(message), project_id)
    out.print(
        f"stored [bold]{request.project_id}[/] revision {request.revision}; "
        "`grokorc dev` (its sensor) launches the build"
    )


@app.command()
def build(message: MessageArg, project_id: ProjectIdOpt = None, as_json: JsonOpt = False) -> None:
    """Submit a request and build its whole asset graph now, with live progress and the SLO table."""
    from grokorc_assets.cli.runner import submit_request

    settings = Settings.from_env()
    _check_executor()
    request = submit_request(settings, _read_message(message), project_id, build_here=True)
    result = _build_and_report(settings, request, as_json)
    raise typer.Exit(EXIT_CODES[result["status"]])


@app.command()
def demo(as_json: JsonOpt = False) -> None:
    """Build the three demo projects and show each one's SLO table (the README's main command)."""
    from grokorc_assets.cli.runner import submit_request
    from grokorc_assets.datafiles import load_yaml

    settings = Settings.from_env()
    results = []
    for case in load_yaml("grokorc_assets", "data/demo.yaml"):
        if not as_json:
            out.rule(f"[bold]{case['project_id']}[/]: {case['title']}")
        request = submit_request(settings, case["message"], case["project_id"], build_here=True)
        results.append(_build_and_report(settings, request, as_json=False, quiet=as_json, detail=not as_json))
    if as_json:
        out.print_json(json.dumps(results, default=str))
    worst = max((EXIT_CODES[r["status"]] for r in results), key=lambda c: (c != 0, c))
    raise typer.Exit(worst)


@app.command()
def report(project_id: Annotated[str, typer.Argument(help="Project id.")], as_json: JsonOpt = False) -> None:
    """Print the latest final result of a project again."""
    from grokorc_assets.storage.database import ensure_database
    from grokorc_assets.storage.results import ResultStore
    from grokorc_assets.validation import validate_project_id

    validate_project_id(project_id)
    result = ResultStore(ensure_database(Settings.from_env())).latest(project_id)
    if result is None:
        raise BadInputError(f"no result stored for project {project_id!r}: build it first (grokorc build)")
    if as_json:
        out.print_json(json.dumps(result, default=str))
    else:
        _print_summary(result, detail=True)


@app.command()
def approve(project_id: Annotated[str, typer.Argument(help="Project id.")]) -> None:
    """Promote the project's latest screenshots to baselines (who and when are recorded)."""
    import getpass

    from grokorc_assets.cli.runner import approve_latest_shots
    from grokorc_assets.validation import validate_project_id

    validate_project_id(project_id)
    who = os.environ.get("GROKORC_APPROVER") or getpass.getuser()
    promoted = approve_latest_shots(Settings.from_env(), project_id, who)
    out.print(f"promoted {len(promoted)} screenshot(s) of {project_id} to baselines (approved by {who})")


@app.command()
def preview(
    project_id: Annotated[str, typer.Argument(help="Project id.")],
    revision: Annotated[int | None, typer.Option("--revision", help="Revision (default: the latest).")] = None,
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1 (0: any free one).")] = 0,
) -> None:
    """Serve a built project's UI and API on 127.0.0.1, sandboxed, until Ctrl-C or SIGTERM."""
    from grokorc_assets.serve.preview import locate, run_preview
    from grokorc_assets.validation import validate_project_id

    validate_project_id(project_id)
    if revision is not None and revision < 1:
        raise BadInputError(f"--revision must be 1 or more, got {revision}")
    if not 0 <= port <= 65535:
        raise BadInputError(f"--port must be between 0 and 65535, got {port}")
    target = locate(Settings.from_env(), project_id, revision)

    def say(line: str) -> None:
        out.print(escape(line), highlight=False, soft_wrap=True)
        sys.stdout.flush()  # a script waiting for the URL on a pipe must see it now

    code = run_preview(target, port, say, lambda line: err.print(escape(line), highlight=False, soft_wrap=True))
    raise typer.Exit(code)


EXIT_CODES = {"success": EXIT_OK, "blocked": EXIT_BLOCKED, "failed": EXIT_FAILED}


def _check_executor() -> None:
    """A bad GROKORC_EXECUTOR or LLM configuration is refused before a request is stored."""
    from grokorc_assets.jobs import executor_for

    executor_for()


def _build_and_report(settings: Settings, request, as_json: bool, quiet: bool = False, detail: bool = False) -> dict:
    from grokorc_assets.cli.runner import build_request, final_result_for

    with _progress_display(enabled=not (as_json or quiet) and out.is_terminal) as on_progress:
        outcome = build_request(settings, request, on_progress)
    result = final_result_for(settings, outcome)
    if as_json:
        out.print_json(json.dumps(result, default=str))
    elif not quiet:
        _print_summary(result, detail=detail)
    return result


def _print_summary(result: dict, detail: bool = False) -> None:
    out.print(slo_table(result))
    if detail:
        out.print(_cost_table(result))
        out.print(_steps_table(result["execution"]["assets"]))
    for name, step in result["execution"]["assets"].items():
        if step.get("error"):
            err.print(f"[red]{name} failed:[/] {escape(str(step['error']))}", highlight=False)
    colours = {"success": "green", "blocked": "red", "failed": "red"}
    status = result["status"]
    why = f" by {', '.join(result['blocked_by'])}" if result.get("blocked_by") else ""
    warned = f"; warnings: {', '.join(result['warnings'])}" if result.get("warnings") else ""
    out.print(
        f"{result['project_id']} revision {result['revision']}: [{colours[status]}]{status}{why}[/]{warned} "
        f"in {result['execution']['duration_seconds']:.1f} s (run {result['execution']['run_id']})"
    )


def slo_table(result: dict) -> Table:
    slos = result["slos"]
    checks = result.get("checks", {})
    table = Table(title=f"SLOs of {result['project_id']} r{result['revision']}")
    for column in ("SLO", "value", "threshold", "verdict"):
        table.add_column(column, justify="right" if column in ("value", "threshold") else "left")
    rows = [
        ("cost", slos["cost"]["estimated_cost"], slos["cost"]["threshold"], "$"),
        ("latency", slos["latency"]["duration_seconds"], slos["latency"]["threshold_seconds"], "s"),
        ("coverage", slos["coverage"]["value"], slos["coverage"]["threshold"], "%"),
        ("confidence", slos["confidence"]["value"], slos["confidence"]["threshold"], ""),
    ]
    for name, value, threshold, unit in rows:
        table.add_row(name, _fmt(value, unit), _fmt(threshold, unit), _verdict(checks.get(SLO_CHECKS[name])))
    accepted = result.get("acceptance") or {}
    if accepted.get("total"):
        table.add_row("acceptance", f"{accepted['passed']}/{accepted['total']}", "all",
                      _verdict(checks.get(CheckName.ACCEPTANCE)))
    return table


def _verdict(check: dict | None) -> str:
    if check is None:
        return "[dim]not evaluated[/]"
    if check["passed"]:
        return "[green]pass[/]"
    return "[yellow]WARN[/]" if check["severity"] == "WARN" else "[red]FAIL (blocks)[/]"


def _fmt(value, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "$":
        return f"${value:.4f}"
    return f"{value:.2f}{unit}" if isinstance(value, float) else f"{value}{unit}"


def _cost_table(result: dict) -> Table:
    table = Table(title="LLM usage by asset")
    for column in ("asset", "model", "input tokens", "output tokens", "USD"):
        table.add_column(column)
    per_asset = result["slos"]["cost"].get("per_asset") or {}
    for name, usage in sorted(per_asset.items(), key=lambda item: GRAPH_ORDER.index(item[0])
                              if item[0] in GRAPH_ORDER else len(GRAPH_ORDER)):
        table.add_row(name, escape(str(usage.get("model", "-"))), str(usage.get("input_tokens", 0)),
                      str(usage.get("output_tokens", 0)), f"{usage.get('cost_usd', 0.0):.6f}")
    tokens = result["slos"]["cost"]["tokens"]
    table.add_row("[bold]total[/]", "", "", f"{tokens if tokens is not None else '-'} tokens",
                  _fmt(result["slos"]["cost"]["estimated_cost"], "$"))
    return table


class _progress_display:
    """A live table of steps on a terminal; silent otherwise (JSON output, pipes, CI logs)."""

    def __init__(self, enabled: bool):
        self._live = Live(_steps_table({}), console=out, refresh_per_second=8) if enabled else None

    def __enter__(self):
        if self._live is None:
            return None
        self._live.__enter__()
        return lambda run_id, steps: self._live.update(_steps_table(steps))

    def __exit__(self, *exc):
        if self._live is not None:
            self._live.__exit__(*exc)


def _steps_table(steps: dict) -> Table:
    table = Table(title="build steps")
    table.add_column("step")
    table.add_column("status")
    table.add_column("seconds", justify="right")
    colours = {"done": "green", "failed": "red", "running": "yellow", "skipped": "dim"}
    # Graph order (stored results come back from JSONB with their keys reordered).
    order = {name: i for i, name in enumerate(GRAPH_ORDER)}
    for key, step in sorted(steps.items(), key=lambda item: order.get(item[0], len(order))):
        # Live progress passes StepProgress objects; stored results hold plain dicts.
        status, secs = (step["status"], step["seconds"]) if isinstance(step, dict) else (step.status, step.seconds)
        colour = colours.get(status, "white")
        table.add_row(key, f"[{colour}]{status}[/]", f"{secs:.2f}" if secs is not None else "")
    return table


@app.command()
def diff(
    image_a: Annotated[str, typer.Argument(help="Expected PNG.")],
    image_b: Annotated[str, typer.Argument(help="Actual PNG.")],
    output: Annotated[str | None, typer.Option("--output", help="Write the diff image here.")] = None,
    threshold: Annotated[float, typer.Option(help="Per-pixel YIQ threshold, 0..1.")] = 0.1,
) -> None:
    """Count mismatched pixels between two PNGs (pixelmatch v7.2.0 semantics) and print the count."""
    import numpy as np

    from grokorc_assets.visual import pixelmatch, read_png, write_png

    if not 0.0 <= threshold <= 1.0:
        raise BadInputError(f"--threshold must be between 0 and 1, got {threshold}")
    try:
        img_a, img_b = read_png(image_a), read_png(image_b)
    except (OSError, ValueError) as exc:
        raise BadInputError(f"cannot read the images: {exc}") from None
    if img_a.shape != img_b.shape:
        raise BadInputError(
            f"image sizes differ: {image_a} is {img_a.shape[1]}x{img_a.shape[0]}, "
            f"{image_b} is {img_b.shape[1]}x{img_b.shape[0]}"
        )
    diff_image = np.zeros_like(img_a) if output else None
    count = pixelmatch(img_a, img_b, diff_image, threshold=threshold)
    if output:
        write_png(output, diff_image)
    out.print(count)


@app.command("env")
def env_command() -> None:
    """Print shell exports that point `dagster` commands at grokorc's instance (eval "$(grokorc env)")."""
    from grokorc_assets.instance import prepare_dagster_env

    prepare_dagster_env(Settings.from_env())
    for name in ("GROKORC_HOME", "DAGSTER_HOME", "GROKORC_DAGSTER_POSTGRES_URL"):
        out.print(f"export {name}='{os.environ[name]}'", highlight=False, soft_wrap=True)


@app.command()
def dev(
    port: Annotated[int, typer.Option(help="Webserver port.")] = 3000,
    host: Annotated[str, typer.Option(help="Bind address; loopback unless you mean it.")] = "127.0.0.1",
) -> None:
    """Run the Dagster UI and daemon (sensors on) on the same storage the CLI uses."""
    from grokorc_assets.instance import INSTANCE_TEMPLATE, prepare_dagster_env

    prepare_dagster_env(Settings.from_env())
    workspace = INSTANCE_TEMPLATE.parent / "workspace.yaml"
    cmd = [sys.executable, "-m", "dagster", "dev", "-w", str(workspace), "-h", host, "-p", str(port)]
    err.print(f"Dagster UI on http://{host}:{port} (instance {os.environ['DAGSTER_HOME']})")
    from grokorc_assets.cli.supervise import run_supervised

    # SIGTERM or Ctrl-C stops dagster dev, its webserver, daemon, code server and runs (within 10 s).
    raise typer.Exit(run_supervised(cmd))


@db_app.command("status")
def db_status() -> None:
    """Say whether the embedded Postgres is running, and where."""
    from grokorc_assets.storage import embedded

    settings = Settings.from_env()
    if settings.database_url is not None:
        out.print("external database (GROKORC_DATABASE_URL is set)")
        return
    state = embedded.status(settings.pgdata)
    where = f"pid {state.pid}, socket {state.socket_dir}" if state.running else "stopped"
    out.print(f"embedded Postgres at {state.pgdata}: {where}")


@db_app.command("stop")
def db_stop() -> None:
    """Stop the embedded Postgres cleanly (it is restarted on next use)."""
    from grokorc_assets.storage import embedded

    settings = Settings.from_env()
    stopped = embedded.stop(settings.pgdata)
    out.print("stopped" if stopped else "was not running")


def main() -> None:
    try:
        # Without standalone mode click returns (not raises) the code of a `typer.Exit`.
        sys.exit(app(standalone_mode=False) or EXIT_OK)
    except (BadInputError, ConfigError, LLMConfigError) as exc:
        # Escaped: the text may quote user input ("[/]" would crash rich, "[link=...]" would render).
        err.print(f"[red]error:[/] {escape(str(exc))}", highlight=False)
        sys.exit(EXIT_BAD_INPUT)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print("aborted")
        sys.exit(EXIT_FAILED)
    except Exception as exc:  # noqa: BLE001 - last resort: a readable line, not a traceback
        # Typer ships its own click: recognise its usage errors by what they offer.
        if callable(getattr(exc, "show", None)) and hasattr(exc, "exit_code"):
            if type(exc).__name__ == "NoArgsIsHelpError":
                sys.exit(EXIT_OK)
            exc.show()
            sys.exit(exc.exit_code)
        err.print(f"[red]error:[/] {type(exc).__name__}: {escape(str(exc))}", highlight=False)
        sys.exit(EXIT_FAILED)

