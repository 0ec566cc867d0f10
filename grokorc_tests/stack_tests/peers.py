"""The stack tests' peers on the compose network, run in a container of the user-code image:

- an OpenAI-compatible endpoint (the loopback fake of the LLM tests, bound on the network) whose plan
  answer reports a cost above the cost SLO, for the over-budget build;
- a webhook receiver for Alertmanager that prints every POST as one JSON line on stdout, which the test
  reads with ``docker logs``.

    python -m grokorc_tests.stack_tests.peers      (PYTHONPATH: the directory holding grokorc_tests)
"""

from __future__ import annotations

import json
import signal
import threading

from grokorc_tests.llm_tests.fake_openai import FakeOpenAIServer
from grokorc_tests.observability_tests.stack import ReceivedRequest, WebhookSink
from grokorc_tests.pipeline_tests.llm_scripts import router

LLM_PORT = 8080
WEBHOOK_PORT = 8081
# GrokorcCostOverrun pages on the mean LLM spend per completed build over 5 minutes (> $5, the default
# cost SLO): the module's other builds (offline, $0) complete in the same window, so one build must cost
# enough to lift the mean of up to ten builds above $5 on its own.
PLAN_COST_USD = 60.0


def print_post(request: ReceivedRequest) -> None:
    print(json.dumps({"path": request.path, "body": request.body}), flush=True)


def main() -> None:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with FakeOpenAIServer(host="0.0.0.0", port=LLM_PORT) as llm, \
            WebhookSink(host="0.0.0.0", port=WEBHOOK_PORT, on_post=print_post):
        llm.route(router(plan_cost=PLAN_COST_USD))
        print(json.dumps({"ready": True}), flush=True)
        stop.wait()


if __name__ == "__main__":
    main()
