"""LLM mode: the backend's own tests go back to the model until they prove the plan, within the budget.

A loopback OpenAI-compatible server plays the model; the generated tests really run in the sandbox.
"""

import json

from grokorc_assets.generation.llm_agent import generate_with_llm, unproven_problems
from grokorc_assets.llm import LLMSettings, OpenAIProvider
from grokorc_assets.models import Plan, Stack
from grokorc_assets.testrun import run_python_tests
from grokorc_tests.llm_tests.fake_openai import Behaviour, FakeOpenAIServer

APP = "def add(a, b):\n    return a + b\n"
CONFIG = "[tool.pytest.ini_options]\npythonpath = ['.']\n"


def answer(test_body: str) -> str:
    files = [{"path": "backend/app/__init__.py", "content": ""},
             {"path": "backend/app/main.py", "content": APP},
             {"path": "backend/pyproject.toml", "content": CONFIG},
             {"path": "backend/tests/__init__.py", "content": ""},
             {"path": "backend/tests/test_notes.py",
              "content": f"from app.main import add\n\n\ndef test_ac01_notes_round_trip():\n    {test_body}\n"}]
    return json.dumps({"files": files})


def plan() -> Plan:
    return Plan(archetype="api", confidence=0.9, has_ui=False, stack=Stack(backend=["fastapi"]), entities=["note"])


def provider(server: FakeOpenAIServer) -> OpenAIProvider:
    return OpenAIProvider(LLMSettings(provider="openai", base_url=server.base_url, api_key="sk-repair-secret",
                                      model="openai/gpt-4o-mini", backoff_base_s=0.0, backoff_cap_s=0.0))


def run_tests(root):
    report = run_python_tests(root / "backend", source_dirs=["app"], test_dir="tests")
    return {"failures": [f.model_dump() for f in report.failures], "passed_tests": report.passed_tests,
            "ran": bool(report.tests_passed or report.tests_failed)}


def verifier(root):
    return unproven_problems(root, plan(), run_tests)


def test_a_failing_acceptance_test_goes_back_to_the_model_and_is_repaired(tmp_path):
    with FakeOpenAIServer() as server:
        server.enqueue_chat(Behaviour.ok(answer("assert add(1, 1) == 3")),
                            Behaviour.ok(answer("assert add(1, 1) == 2")))
        result = generate_with_llm("backend", plan(), tmp_path, provider(server), project_id="repair", revision=1,
                                   verify=verifier, budget_usd=5.0)
        first, second = (r.body["messages"][-1]["content"] for r in server.chat_requests)
    assert "acceptance_criteria" in first and "feature_contracts" in first  # the model is given the contracts
    assert "test_ac01_notes_round_trip failed" in second
    assert len(result.repairs) == 1 and result.unresolved == []
    assert "== 2" in (tmp_path / "agents/backend/backend/tests/test_notes.py").read_text()


def test_no_repair_is_asked_for_when_it_would_break_the_budget(tmp_path):
    with FakeOpenAIServer() as server:
        server.always(Behaviour.ok(answer("assert add(1, 1) == 3")))
        result = generate_with_llm("backend", plan(), tmp_path, provider(server), project_id="repair", revision=1,
                                   verify=verifier, budget_usd=0.0)
        assert server.chat_count == 1
    assert result.repairs == []
    assert any("ac01" in problem for problem in result.unresolved)
    assert result.usage.cost_usd > 0


def test_repairs_stop_after_the_bound(tmp_path):
    with FakeOpenAIServer() as server:
        server.always(Behaviour.ok(answer("assert add(1, 1) == 3")))
        result = generate_with_llm("backend", plan(), tmp_path, provider(server), project_id="repair", revision=1,
                                   verify=verifier, budget_usd=5.0)
        assert server.chat_count == 3
    assert len(result.repairs) == 2 and result.unresolved
