"""The planner on real Postgres + pgvector, with the offline provider and a loopback OpenAI server."""

import json
import subprocess
import sys

import pytest
import sqlalchemy as sa

from grokorc_assets.llm import LLMSettings
from grokorc_assets.llm.errors import ConfigError
from grokorc_assets.planning.catalogue import load_catalogue
from grokorc_assets.planning.embeddings import default_embedder
from grokorc_assets.planning.inference import infer_plan
from grokorc_assets.planning.neighbours import ExactKnn
from grokorc_assets.planning.service import Planner, embedder_for, sync_catalogue
from grokorc_assets.storage.catalogue_index import PgVectorKnn
from grokorc_assets.storage.exchanges import PostgresExchangeStore
from grokorc_tests.generation_tests.plans import CHOIR, GARDEN
from grokorc_tests.llm_tests.fake_openai import EMBEDDINGS_PATH, Behaviour, FakeOpenAIServer

MESSAGE = "Admin dashboard for a SaaS: active users, signups per week. Build it with React and FastAPI on Postgres."


def test_catalogue_is_indexed_once_per_content_hash(engine):
    catalogue, embedder = load_catalogue(), default_embedder()
    sync_catalogue(engine, catalogue, embedder)  # whatever state the session left
    assert sync_catalogue(engine, catalogue, embedder) is False
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT count(*) FROM grokorc.catalogue_vectors WHERE embedder = :e"), {"e": embedder.name}
        ).scalar()
    assert rows == len(catalogue.projects())


def test_pgvector_neighbours_match_exact_search(engine):
    catalogue, embedder = load_catalogue(), default_embedder()
    sync_catalogue(engine, catalogue, embedder)
    pg, exact = PgVectorKnn(engine, embedder.name), ExactKnn.from_catalogue(catalogue, embedder)
    for text in ["online shop for handmade jewellery", "chat app for teams", "a CLI to rename photos"]:
        query = embedder.embed([text])[0]
        assert [i for i, _ in pg(query, 5)] == [i for i, _ in exact(query, 5)]


def test_offline_plan_keeps_named_technologies_and_is_recorded(engine):
    plan, response = Planner(engine, LLMSettings(record_mode="record")).plan(MESSAGE, "plan-svc-a", 1)
    assert plan.archetype == "dashboard"
    assert {"react", "fastapi", "postgres"} <= set(plan.explicit)
    assert "react" in plan.stack.frontend and "postgres" in plan.stack.database
    assert plan.usage.model == "offline" and plan.usage.estimated and plan.usage.cost_usd == 0.0
    assert len(plan.neighbours) == 5
    assert PostgresExchangeStore(engine).count_for("plan-svc-a", 1) == 1


KANBAN = "A kanban board for my team with columns To do, Doing, Done; cards have title, assignee and due date."


@pytest.mark.parametrize("message, main", [(CHOIR, "song"), (GARDEN, "plant"), (KANBAN, "card")],
                         ids=["choir", "garden", "kanban"])
def test_the_planner_service_keeps_the_roles_the_request_decided(engine, message, main):
    # What builds use (the plan asset, `grokorc plan`) must carry the same roles as the offline inference:
    # the entity each feature was named with (rehearsals sorted, harvest logs commented) and, as main
    # entity, the first one the request described ("cards have title ..."), not one a draft gave defaults.
    plan, _ = Planner(engine, LLMSettings()).plan(message, "plan-svc-roles", 1)
    assert plan.roles == infer_plan(message).roles and plan.roles["main"] == main


def test_openai_provider_plan_then_replay_is_identical_and_free(engine):
    draft = {
        "archetype": "dashboard", "confidence": 0.9, "has_ui": True,
        # The model forgot Postgres: the planner must put the named technology back.
        "stack": {"frontend": ["react"], "backend": ["fastapi"], "database": [], "devops": ["docker-compose"]},
        "explicit": ["react", "fastapi"], "entities": ["user"], "features": ["charts"],
        "pages": ["overview"], "tasks": {"frontend": ["overview page"], "backend": ["users API"], "devops": []},
    }
    with FakeOpenAIServer() as server:
        server.enqueue_chat(Behaviour.ok(json.dumps(draft), prompt_tokens=1200, completion_tokens=300))
        live = LLMSettings(provider="openai", base_url=server.base_url, api_key="sk-test-secret",
                           model="openai/gpt-4o-mini", record_mode="record")
        recorded, first = Planner(engine, live).plan(MESSAGE, "plan-svc-b", 1)
        replayed, second = Planner(engine, live.model_copy(update={"record_mode": "replay"})).plan(
            MESSAGE, "plan-svc-b", 2
        )
        assert server.chat_count == 1  # replay made no request
    assert "postgres" in recorded.stack.database and "postgres" in recorded.explicit
    assert recorded.usage.input_tokens == 1200 and recorded.usage.cost_usd > 0
    assert second.replayed and replayed.usage.cost_usd == 0.0
    assert replayed.model_dump_json(exclude={"usage"}) == recorded.model_dump_json(exclude={"usage"})
    assert "sk-test-secret" not in recorded.model_dump_json()


def test_grokorc_plan_json_prints_the_design_shape(cli_env):
    proc = subprocess.run(
        [sys.executable, "-m", "grokorc_assets.cli", "plan", MESSAGE, "--json"],
        env=cli_env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    plan = json.loads(proc.stdout)
    assert set(plan) >= {"archetype", "confidence", "has_ui", "stack", "explicit", "entities", "features",
                         "pages", "tasks", "neighbours", "usage"}
    assert set(plan["stack"]) == {"frontend", "backend", "database", "devops"}
    assert set(plan["usage"]) >= {"model", "input_tokens", "output_tokens", "cost_usd", "estimated"}


def test_an_embeddings_endpoint_fills_pgvector_and_serves_the_neighbours(engine):
    """GROKORC_EMBEDDINGS_MODEL: the endpoint's vectors (8 wide here, not 384) are stored and searched."""
    with FakeOpenAIServer() as server:
        llm = LLMSettings(base_url=server.base_url, api_key="sk-emb-secret", embeddings_model="emb-small",
                          record_mode="record")
        planner = Planner(engine, llm)
        plan, _ = planner.plan(MESSAGE, "plan-svc-emb", 1)
        embedder = embedder_for(llm)
        expected = ExactKnn.from_catalogue(load_catalogue(), embedder)(embedder.embed([MESSAGE])[0], 5)
        calls = [r for r in server.requests if r.path == EMBEDDINGS_PATH]
    assert calls and {r.body["model"] for r in calls} == {"emb-small"}
    assert calls[0].headers["authorization"] == "Bearer sk-emb-secret"
    with engine.connect() as conn:
        widths = conn.execute(sa.text(
            "SELECT DISTINCT vector_dims(embedding) FROM grokorc.catalogue_vectors WHERE embedder = :e"),
            {"e": "openai:emb-small"}).scalars().all()
        indexes = conn.execute(sa.text(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'catalogue_vectors'")).scalars().all()
    assert widths == [8] and {"catalogue_vectors_hnsw_8", "catalogue_vectors_hnsw_384"} <= set(indexes)
    assert [(n.id, n.similarity) for n in plan.neighbours] == expected
    assert "sk-emb-secret" not in plan.model_dump_json()


def test_an_embeddings_model_without_an_endpoint_is_refused():
    with pytest.raises(ConfigError, match="GROKORC_LLM_BASE_URL"):
        LLMSettings.from_env({"GROKORC_EMBEDDINGS_MODEL": "nomic-embed-text"})
    with pytest.raises(ConfigError, match="GROKORC_LLM_BASE_URL"):
        LLMSettings.from_env({"GROKORC_EMBEDDINGS_MODEL": "m", "GROKORC_LLM_BASE_URL": "ftp://x"})
