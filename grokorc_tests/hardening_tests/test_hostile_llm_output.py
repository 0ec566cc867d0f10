"""Hostile model output on the generation path (loopback OpenAI-compatible server + generate_with_llm):
every case is refused with a violation that names it, and nothing is written anywhere."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from pydantic import SecretStr

from grokorc_assets.generation.llm_agent import generate_with_llm
from grokorc_assets.llm import GeneratedFile, LLMOutputError, LLMSettings, OpenAIProvider, UnsafeOutputError, safe_write
from grokorc_tests.generation_tests.plans import dashboard as dashboard_plan
from grokorc_tests.hardening_tests.hostile_inputs import LLM_OUTPUT_CASES, MARK, LLMOutputCase, llm_output_files
from grokorc_tests.hardening_tests.safety import Snapshot
from grokorc_tests.llm_tests.fake_openai import Behaviour, FakeOpenAIServer

KEY = "sk-hostile-output-0123456789abcdef"
GOOD = {"files": [{"path": "backend/app/main.py", "content": "print('ok')\n"}]}


@pytest.fixture(scope="module")
def server():
    with FakeOpenAIServer() as fake:
        yield fake


def provider(server: FakeOpenAIServer) -> OpenAIProvider:
    return OpenAIProvider(LLMSettings(provider="openai", base_url=server.base_url, api_key=SecretStr(KEY),
                                      model="openai/gpt-4o-mini", backoff_base_s=0.0, backoff_cap_s=0.0))


@pytest.mark.parametrize("case", LLM_OUTPUT_CASES, ids=[c.name for c in LLM_OUTPUT_CASES])
def test_hostile_files_are_refused_and_nothing_is_written(server, tmp_path, grokorc_home, case: LLMOutputCase):
    workspace = tmp_path / "ws"
    workspace.mkdir()
    before = Snapshot.take(grokorc_home, tmp_path)
    server.reset()
    server.always(Behaviour.ok(json.dumps({"files": llm_output_files(case)})))
    expected = UnsafeOutputError if case.refused_as == "unsafe" else LLMOutputError
    with pytest.raises(expected) as failure:
        generate_with_llm("backend", dashboard_plan(), workspace, provider(server), project_id="hostile-llm",
                          revision=1)
    assert KEY not in str(failure.value)
    # The model was told what was wrong, then given up on after a bounded number of tries.
    assert server.chat_count == 3
    if case.refused_as == "unsafe":
        violations = failure.value.violations
        assert "still unsafe after 3 attempts" in violations[0]
        assert any(re.search(case.violation, v) for v in violations[1:]), violations[:5]
        assert "rejected" in json.loads(server.chat_requests[1].body["messages"][-1]["content"])["problems"]
    else:
        assert re.search(case.violation, str(failure.value)), str(failure.value)
        assert "rejected" in server.chat_requests[1].body["messages"][-1]["content"]
    assert list(workspace.iterdir()) == [], "nothing may be written when any file is unsafe"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ws"]
    assert before.problems_since() == []


def test_a_repaired_answer_is_written_inside_the_agent_root(server, tmp_path):
    server.reset()
    server.always(None)
    server.enqueue_chat(Behaviour.ok(json.dumps({"files": llm_output_files(LLM_OUTPUT_CASES[0])})),
                        Behaviour.ok(json.dumps(GOOD)))
    result = generate_with_llm("backend", dashboard_plan(), tmp_path, provider(server), project_id="hostile-llm",
                               revision=1)
    assert [f.path for f in result.files] == ["backend/app/main.py"]
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written == [tmp_path / "agents" / "backend" / "backend" / "app" / "main.py"]


def test_a_planted_symlink_is_never_followed(tmp_path):
    """Validation passes (the names are fine) but the root holds a symlink to outside: refused."""
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "root"
    root.mkdir()
    (root / "backend").symlink_to(outside, target_is_directory=True)
    (root / "README.md").symlink_to(outside / f"{MARK}.md")
    for files in ([GeneratedFile(path="backend/app.py", content="x = 1\n")],
                  [GeneratedFile(path="README.md", content="hi\n")]):
        with pytest.raises(UnsafeOutputError, match="symlink"):
            safe_write(files, root)
    assert list(outside.iterdir()) == []


def test_a_hostile_plan_prints_as_text(cli_env, tmp_path):
    """The `plan` table shows model text as written: markup and escapes neither render nor crash."""
    hostile = {"archetype": "dashboard", "confidence": 0.9, "has_ui": True,
               "stack": {"frontend": ["vanilla"], "backend": ["python"], "database": [], "devops": []},
               "entities": ["[/]", "[link=https://evil.example]order[/link]"],
               "features": ["[bold red]charts"], "pages": ["overview"]}
    with FakeOpenAIServer() as fake:
        fake.always(Behaviour.ok(json.dumps(hostile)))
        env = {**cli_env, "GROKORC_LLM_PROVIDER": "openai", "GROKORC_LLM_BASE_URL": fake.base_url,
               "GROKORC_LLM_API_KEY": KEY, "GROKORC_LLM_MODEL": "openai/gpt-4o-mini", "COLUMNS": "300",
               "GROKORC_LLM_RECORD_MODE": "live"}
        proc = subprocess.run([sys.executable, "-m", "grokorc_assets.cli", "plan", "Orders dashboard"], env=env,
                              cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert fake.chat_count >= 1
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and KEY not in proc.stdout + proc.stderr
    # Entity names become identifiers (nothing of the markup survives as markup); an unknown "feature"
    # is listed as unmet with the model's own words, printed as text.
    assert "link_https_evil_example_order_link" in proc.stdout
    assert "[bold_red]charts" in proc.stdout
