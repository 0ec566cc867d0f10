"""Two `grokorc build` of one project started at once (a double-submit): two revisions, built side by
side, each with its own correct verdict. Revisions share no mutable state: asset values, workspaces and
reports are per revision, so neither build reads the other's coverage or plan."""

import json
import subprocess
import sys
import uuid

from grokorc_assets.storage.requests import RequestStore

PLAIN = "Inventory tracker for a bike shop with stock levels"
WITH_SUPPLIERS = "Inventory tracker for a bike shop with stock levels and suppliers"


def test_two_builds_of_one_project_at_once_get_two_correct_results(cli_env, engine):
    project_id = f"twice-{uuid.uuid4().hex[:8]}"
    builds = [
        subprocess.Popen([sys.executable, "-m", "grokorc_assets.cli", "build", message, "--project-id", project_id,
                          "--json"], env=cli_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for message in (PLAIN, WITH_SUPPLIERS)
    ]
    outputs = [build.communicate(timeout=1200) for build in builds]
    for build, (_, stderr) in zip(builds, outputs, strict=True):
        assert build.returncode == 0, stderr[-3000:]
    results = [json.loads(stdout) for stdout, _ in outputs]

    assert sorted(r["revision"] for r in results) == [1, 2]
    assert len({r["execution"]["run_id"] for r in results}) == 2
    store = RequestStore(engine)
    for result in results:
        message = store.get(project_id, result["revision"]).message
        assert result["status"] == "success", (message, result["blocked_by"])
        assert result["coverage"]["tests_passed"] > 0 and result["coverage"]["value"] >= 95.0, result["coverage"]
        entities = result["plan"]["entities"]
        # Each build planned its own request, not the other revision's.
        assert any("supplier" in e for e in entities) == ("suppliers" in message), (message, entities)
    # Their coverage sections are their own runs' (distinct test reports).
    assert results[0]["coverage"] != results[1]["coverage"] or results[0]["plan"] != results[1]["plan"]
