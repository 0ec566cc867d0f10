"""The `grokorc` command line (DESIGN.md "Command line").

Exit codes: 0 delivered (warnings allowed), 2 bad input, 3 blocked by an ERROR check, 1 anything else.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Annotated

import typer
from rich.console import Console
from rich.live import Live
from rich.table import Table

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
    from grokorc_assets.planning.service import Planner
    from grokorc_assets.storage.database import ensure_database
    from grokorc_assets.validation import validate_message

    text = validate_message(_read_message(message))
    planned, _ = Planner(ensure_database(Settings.from_env())).plan(text, "cli-plan", 1)
    if as_json:
        out.print_json(planned.model_dump_json())
        return
    table = Table(title=f"{planned.archetype} (confidence {planned.confidence:.2f})", show_header=False)
    for layer, techs in planned.stack.model_dump().items():
        table.add_row(layer, ", ".join(techs) or "-")
    table.add_row("named", ", ".join(planned.explicit) or "-")
    table.add_row("entities", ", ".join(planned.entities))
    table.add_row("features", ", ".join(planned.features))
    table.add_row("pages", ", ".join(planned.pages) or "(no UI)")
    table.add_row("neighbours", ", ".join(f"{n.id} {n.similarity:.2f}" for n in planned.neighbours))
    out.print(table)


@app.command()
def submit(message: MessageArg, project_id: ProjectIdOpt = None) -> None:
    """Store a request; the sensor (under `grokorc dev`) adds the partition and launches its run."""
    from grokorc_assets.runner import submit_request

    request = submit_request(Settings.from_env(), _read_message(message), project_id)
    out.print(
        f"stored [bold]{request.project_id}[/] revision {request.revision}; "
        "`grokorc dev` (its sensor) launches the build"
    )


@app.command()
def build(message: MessageArg, project_id: ProjectIdOpt = None, as_json: JsonOpt = False) -> None:
    """Submit a request and build its whole asset graph now, in this process."""
    from grokorc_assets.runner import build_request, submit_request

    settings = Settings.from_env()
    request = submit_request(settings, _read_message(message), project_id)
    started = time.monotonic()
    with _progress_display(enabled=not as_json and out.is_terminal) as on_progress:
        outcome = build_request(settings, request, on_progress)
    elapsed = time.monotonic() - started
    result = {
        "status": "success" if outcome.success else "failed",
        "project_id": request.project_id,
        "revision": request.revision,
        "execution": {
            "run_id": outcome.run_id,
            "duration_seconds": round(elapsed, 2),
            "assets": {k: {"status": v.status, "seconds": v.seconds} for k, v in outcome.steps.items()},
        },
    }
    if as_json:
        out.print_json(json.dumps(result))
    else:
        out.print(_steps_table(outcome.steps))
        verdict = "[green]built[/]" if outcome.success else "[red]failed[/]"
        out.print(f"{request.project_id} revision {request.revision}: {verdict} in {elapsed:.1f} s "
                  f"(run {outcome.run_id})")
    raise typer.Exit(EXIT_OK if outcome.success else EXIT_FAILED)


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
    for key, step in steps.items():
        colour = colours.get(step.status, "white")
        seconds = f"{step.seconds:.2f}" if step.seconds is not None else ""
        table.add_row(key, f"[{colour}]{step.status}[/]", seconds)
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
    raise typer.Exit(subprocess.call(cmd))


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
        app(standalone_mode=False)
    except (BadInputError, ConfigError, LLMConfigError) as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False)
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
        err.print(f"[red]error:[/] {type(exc).__name__}: {exc}", highlight=False)
        sys.exit(EXIT_FAILED)


if __name__ == "__main__":
    main()
