"""`grokorc dev` stopped by SIGTERM (a service manager, `docker stop`) while a run is building: it stops
dagster dev, the webserver, the daemon, the code server and the run worker itself, within 10 s."""

import signal
import uuid
from pathlib import Path

from grokorc_assets.cli.runner import submit_request
from grokorc_tests.deployment_tests.devserver import DevServer, wait_until
from grokorc_tests.deployment_tests.test_dev_server import SMALL_PROJECTS, latest_request_id


def test_sigterm_stops_the_whole_tree_within_ten_seconds(cli_env, settings, engine, tmp_path: Path):
    server = DevServer(cli_env, tmp_path / "dev.log")
    server.preset_request_sensor_cursor(latest_request_id(engine))
    report = None
    try:
        server.start()
        project_id = f"stop-{uuid.uuid4().hex[:8]}"
        server.start_request_sensor(latest_request_id(engine))
        submit_request(settings, SMALL_PROJECTS[0], project_id)
        wait_until("the sensor's run to start",
                   lambda: [r for r in server.runs({"dagster/partition": project_id}) if r["status"] == "STARTED"],
                   300)
        tree = server.tree()
        names = " ".join(" ".join(p.cmdline()) for p in tree)
        # grokorc dev, dagster dev, webserver, daemon, code server, and the run's worker at least.
        assert len(tree) >= 6 and "webserver" in names and "daemon" in names, names
        report = server.stop(signal.SIGTERM, grace=10)
    finally:
        if report is None:
            server.stop()
    assert report.killed == [], f"still alive {report.seconds:.1f} s after SIGTERM: {report.killed}"
    assert report.seconds <= 10
    assert not [p for p in tree if p.is_running() and p.status() != "zombie"]
