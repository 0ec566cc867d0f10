"""Escalated conflicts go to a mediator backed by an OpenAI-compatible model (the loopback fake here);
its answer is applied only when it is a valid edit that really removes the conflict."""

from __future__ import annotations

import json
import random
from pathlib import Path

from grokorc_assets.conflicts import detect_conflicts, llm_mediator, resolve
from grokorc_assets.llm import OpenAIProvider
from grokorc_tests.conflicts_tests.corpus import generate, nginx_host_other
from grokorc_tests.llm_tests.fake_openai import Behaviour, FakeOpenAIServer
from grokorc_tests.llm_tests.helpers import RecordingSleep, settings

NGINX = "frontend/nginx.conf"


def _workspace(tmp_path: Path) -> Path:
    project = generate("dashboard", tmp_path / "ws")
    nginx_host_other(project, random.Random(1))
    return project.workspace


def _mediator(fake: FakeOpenAIServer):
    provider = OpenAIProvider(settings(fake), sleep=RecordingSleep(), rng=random.Random(7))
    return llm_mediator(provider, project_id="demo-001")


def _edit(old: str, new: str) -> dict:
    return {"edits": [{"path": NGINX, "old": old, "new": new}], "reason": "the compose service is 'backend'"}


def test_valid_answer_is_applied_and_diffed(tmp_path: Path, fake_openai: FakeOpenAIServer) -> None:
    ws = _workspace(tmp_path)
    [conflict] = detect_conflicts(ws)
    assert conflict.kind == "config_mismatch" and conflict.resolution == "escalated"
    fake_openai.enqueue_chat(Behaviour.ok(_edit("http://api-gateway:", "http://backend:")))

    report = resolve(ws, [conflict], mediator=_mediator(fake_openai))

    [item] = report.items
    assert fake_openai.chat_count == 1
    user = json.loads(fake_openai.chat_requests[0].body["messages"][1]["content"])
    assert user["conflict"]["kind"] == "config_mismatch" and NGINX in user["files"]
    assert item.resolved and item.mediated_by == "mediator" and item.resolution == "escalated"
    assert report.conflicts_resolved == 1
    assert "proxy_pass http://backend:8000" in (Path(report.project_dir) / NGINX).read_text()
    assert "api-gateway" in (ws / "agents" / "devops" / NGINX).read_text()  # the agent's tree is untouched
    diff = Path(report.diff_paths[0]).read_text()
    assert "-        proxy_pass http://api-gateway:8000;" in diff and "+        proxy_pass http://backend:8000;" in diff
    assert detect_conflicts(ws) == [conflict]  # detection reads the agents' trees, which still disagree


def test_answer_that_does_not_apply_stays_escalated(tmp_path: Path, fake_openai: FakeOpenAIServer) -> None:
    ws = _workspace(tmp_path)
    conflicts = detect_conflicts(ws)
    fake_openai.enqueue_chat(Behaviour.ok(_edit("http://no-such-host:", "http://backend:")))
    report = resolve(ws, conflicts, mediator=_mediator(fake_openai))
    [item] = report.items
    assert not item.resolved and item.resolution == "escalated" and "rejected" in item.reason
    assert "api-gateway" in (Path(report.project_dir) / NGINX).read_text()
    assert Path(report.diff_paths[0]).read_text() == ""


def test_answer_that_moves_the_conflict_elsewhere_is_rejected(tmp_path: Path, fake_openai: FakeOpenAIServer) -> None:
    ws = _workspace(tmp_path)
    conflicts = detect_conflicts(ws)
    fake_openai.enqueue_chat(Behaviour.ok(_edit("http://api-gateway:", "http://gateway-two:")))
    report = resolve(ws, conflicts, mediator=_mediator(fake_openai))
    [item] = report.items
    # Another unknown host is the same contradiction under a new name: a new conflict, so rejected.
    assert not item.resolved and "would introduce 1 new conflict" in item.reason
    assert "api-gateway" in (Path(report.project_dir) / NGINX).read_text()


def test_path_escaping_answer_is_rejected(tmp_path: Path, fake_openai: FakeOpenAIServer) -> None:
    ws = _workspace(tmp_path)
    conflicts = detect_conflicts(ws)
    answer = {"edits": [{"path": "../agents/devops/" + NGINX, "old": "api-gateway", "new": "backend"}]}
    fake_openai.enqueue_chat(Behaviour.ok(answer))
    report = resolve(ws, conflicts, mediator=_mediator(fake_openai))
    assert not report.items[0].resolved
    assert "api-gateway" in (ws / "agents" / "devops" / NGINX).read_text()


def test_provider_failure_leaves_the_conflict_open(tmp_path: Path, fake_openai: FakeOpenAIServer) -> None:
    ws = _workspace(tmp_path)
    conflicts = detect_conflicts(ws)
    fake_openai.always(Behaviour.error(401))
    report = resolve(ws, conflicts, mediator=_mediator(fake_openai))
    assert not report.items[0].resolved and "mediator failed" in report.items[0].reason


def test_auto_mediated_conflicts_never_reach_the_mediator(tmp_path: Path, fake_openai: FakeOpenAIServer) -> None:
    project = generate("dashboard", tmp_path / "ws")
    project.replace("devops", "docker-compose.yml", 'APP_PORT: "8000"', 'APP_PORT: "8080"')
    report = resolve(project.workspace, detect_conflicts(project.workspace), mediator=_mediator(fake_openai))
    assert [c.resolution for c in report.items] == ["auto_mediated"]
    assert fake_openai.chat_count == 0
