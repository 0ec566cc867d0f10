"""Scripted answers of the loopback OpenAI-compatible server for whole builds on the `openai` provider.

Dagster runs the three agents in parallel, so the answers are routed by what the request asks for
(the system prompt names the agent), not by arrival order.
"""

import json

from grokorc_tests.llm_tests.fake_openai import Behaviour

PLAN = {
    "archetype": "dashboard", "confidence": 0.9, "has_ui": True,
    "stack": {"frontend": ["vanilla"], "backend": ["python"], "database": ["sqlite"], "devops": ["docker-compose"]},
    "explicit": [], "entities": ["order"], "features": ["charts"], "pages": ["overview"],
    "tasks": {"frontend": ["overview page"], "backend": ["orders"], "devops": ["compose file"]},
}

# A backend whose tests cover main.py but never touch report.py: line coverage well under 95 %.
UNDERTESTED_BACKEND = [
    {"path": "backend/app/__init__.py", "content": ""},
    {"path": "backend/app/main.py", "content": "def add(a, b):\n    return a + b\n"},
    {"path": "backend/app/report.py", "content": "".join(
        f"def report_{i}(rows):\n    total = 0\n    for row in rows:\n        total += row\n    return total\n\n"
        for i in range(8))},
    {"path": "backend/tests/test_main.py",
     "content": "from app.main import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n"},
]
FRONTEND = [{"path": "frontend/index.html",
             "content": "<!doctype html><html lang='en'><head><title>Orders</title></head>"
                        "<body><main><h1>Orders</h1></main></body></html>\n"}]
DEVOPS = [{"path": "docker-compose.yml", "content": "services:\n  backend:\n    build: ./backend\n"}]


def acceptance_tests(body) -> list[dict]:
    """What a diligent model adds: one test per acceptance criterion the prompt gives, named as asked."""
    try:
        brief = json.loads(body["messages"][-1]["content"])
    except (KeyError, TypeError, ValueError):
        return []
    ids = [c["id"] for c in brief.get("acceptance_criteria", [])]
    tests = "".join(f"\n\ndef test_{cid}_scripted():\n    assert add(2, 2) == 4\n" for cid in ids)
    if not ids:
        return []
    return [{"path": "backend/tests/test_acceptance.py", "content": "from app.main import add\n" + tests}]


def router(*, plan_cost: float | None = None, backend_files=None):
    """Answers for plan and the three agents; ``plan_cost`` is reported as the provider's cost."""
    files = {"frontend": FRONTEND, "backend": backend_files or UNDERTESTED_BACKEND, "devops": DEVOPS}

    def route(body):
        system = body["messages"][0]["content"] if isinstance(body, dict) else ""
        if "planning agent" in system:
            return Behaviour.ok(json.dumps(PLAN), prompt_tokens=900, completion_tokens=250, cost=plan_cost)
        for agent, answer in files.items():
            if f"the {agent} agent" in system:
                extra = acceptance_tests(body) if agent == "backend" else []
                return Behaviour.ok(json.dumps({"files": answer + extra}), prompt_tokens=700, completion_tokens=400)
        return None

    return route
