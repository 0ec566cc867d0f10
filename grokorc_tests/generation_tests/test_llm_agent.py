"""The LLM generation path against a loopback OpenAI-compatible server: hostile output never lands."""

import json

import pytest

from grokorc_assets.generation.llm_agent import generate_with_llm
from grokorc_assets.llm import LLMSettings, OpenAIProvider, UnsafeOutputError
from grokorc_tests.generation_tests.plans import dashboard as dashboard_plan
from grokorc_tests.llm_tests.fake_openai import Behaviour, FakeOpenAIServer

GOOD = {"files": [{"path": "backend/app/main.py", "content": "print('ok')\n"},
                  {"path": "backend/requirements.txt", "content": "fastapi\n"}]}
HOSTILE = {"files": [{"path": "../../etc/grokorc-pwned", "content": "x"},
                     {"path": "/etc/passwd", "content": "root::0:0"},
                     {"path": "backend/big.py", "content": "x" * (600 * 1024)}]}


def provider(server: FakeOpenAIServer) -> OpenAIProvider:
    return OpenAIProvider(LLMSettings(provider="openai", base_url=server.base_url, api_key="sk-gen-secret",
                                      model="openai/gpt-4o-mini", backoff_base_s=0.0, backoff_cap_s=0.0))


def test_unsafe_files_are_retried_with_feedback_then_written(tmp_path):
    with FakeOpenAIServer() as server:
        server.enqueue_chat(Behaviour.ok(json.dumps(HOSTILE)), Behaviour.ok(json.dumps(GOOD)))
        result = generate_with_llm("backend", dashboard_plan(), tmp_path, provider(server),
                                   project_id="llm-gen", revision=1)
        second_prompt = server.chat_requests[1].body["messages"][-1]["content"]
    assert "absolute path" in second_prompt and "rejected" in second_prompt
    assert sorted(f.path for f in result.files) == ["backend/app/main.py", "backend/requirements.txt"]
    assert (tmp_path / "agents" / "backend" / "backend" / "app" / "main.py").read_text() == "print('ok')\n"
    assert result.usage.input_tokens > 0 and result.usage.cost_usd > 0
    assert not (tmp_path.parent / "etc").exists()


def test_persistently_unsafe_output_fails_clearly_and_writes_nothing(tmp_path):
    with FakeOpenAIServer() as server:
        server.always(Behaviour.ok(json.dumps(HOSTILE)))
        with pytest.raises(UnsafeOutputError) as failure:
            generate_with_llm("backend", dashboard_plan(), tmp_path, provider(server),
                              project_id="llm-gen", revision=1)
        assert server.chat_count == 3
    message = str(failure.value)
    assert "still unsafe after 3 attempts" in message and "sk-gen-secret" not in message
    assert not (tmp_path / "agents").exists()
