"""With a live model each agent mostly waits for its answer, so a build on the `openai` provider runs on
the multiprocess executor and the three agents wait side by side. A loopback OpenAI-compatible server
answers every agent only after a delay; the agents' steps must overlap in time. (Offline builds run
in-process: their steps do no waiting, see jobs.py.)"""

import json
import subprocess
import sys
import uuid

from dagster import DagsterEventType

from grokorc_tests.llm_tests.fake_openai import Behaviour, FakeOpenAIServer
from grokorc_tests.pipeline_tests.llm_scripts import router

AGENTS = ("frontend", "backend", "devops")
ANSWER_DELAY_S = 1.5


def slow_agents(route):
    def answer(body):
        behaviour = route(body)
        system = body["messages"][0]["content"] if isinstance(body, dict) else ""
        if behaviour is not None and any(f"the {agent} agent" in system for agent in AGENTS):
            return Behaviour.slow(ANSWER_DELAY_S, then=behaviour)
        return behaviour

    return answer


def test_the_three_agents_wait_for_the_model_side_by_side(cli_env, instance):
    project_id = f"overlap-{uuid.uuid4().hex[:8]}"
    with FakeOpenAIServer() as server:
        server.route(slow_agents(router()))
        env = {**cli_env, "GROKORC_LLM_PROVIDER": "openai", "GROKORC_LLM_BASE_URL": server.base_url,
               "GROKORC_LLM_API_KEY": "sk-overlap-test", "GROKORC_LLM_MODEL": "openai/gpt-4o-mini",
               "GROKORC_LLM_RECORD_MODE": "live", "GROKORC_LLM_BACKOFF_BASE_SECONDS": "0"}
        done = subprocess.run(
            [sys.executable, "-m", "grokorc_assets.cli", "build", "Orders dashboard with charts", "--project-id",
             project_id, "--json"], env=env, capture_output=True, text=True, timeout=900,
        )
    result = json.loads(done.stdout)  # blocked or delivered: the verdict is not what this test is about
    steps: dict[str, list[float]] = {}
    pids: set[int] = set()
    for record in instance.get_records_for_run(result["execution"]["run_id"]).records:
        event = record.event_log_entry.dagster_event
        if event and event.step_key in AGENTS and event.event_type in (
            DagsterEventType.STEP_START, DagsterEventType.STEP_SUCCESS
        ):
            steps.setdefault(event.step_key, []).append(record.event_log_entry.timestamp)
            pids.add(event.pid)
    assert set(steps) == set(AGENTS), done.stderr[-3000:]
    starts, ends = [min(v) for v in steps.values()], [max(v) for v in steps.values()]
    # Overlap: the last agent started before the first one finished, each in its own process.
    assert max(starts) < min(ends), steps
    assert len(pids) == 3
