"""The `grokorc` command line and what it needs beside Dagster: submitting and building (`runner`), live
progress (`progress`), reading a run's results back (`run_results`) and the final result's shape (`report`).

``main`` imports the Typer app only when called: step processes import ``run_results`` and ``report``
(the `delivery` asset writes the report) and do not need the CLI's libraries.
"""


def main() -> None:
    from grokorc_assets.cli.app import main as run

    run()
