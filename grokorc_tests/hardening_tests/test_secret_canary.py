"""A canary API key through whole builds on the `openai` provider: it reaches the server's Authorization
header and nothing grokorc writes or returns (output, files, archives, event log, tables, server log)."""

from __future__ import annotations

import gzip
import io
import json
import secrets
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from grokorc_tests.llm_tests.fake_openai import Behaviour, FakeOpenAIServer
from grokorc_tests.pipeline_tests.llm_scripts import router

# A backend whose tests cover it fully (so the build delivers and packs its archive), and whose generated
# test also probes the sandbox: the key, or any GROKORC_LLM_* variable, visible there fails the build.
COVERED_BACKEND = [
    {"path": "backend/app/__init__.py", "content": ""},
    {"path": "backend/app/main.py", "content": "def add(a, b):\n    return a + b\n"},
    {"path": "backend/tests/test_main.py", "content": (
        "import os\n\nfrom app.main import add\n\n\n"
        "def test_add():\n    assert add(1, 2) == 3\n\n\n"
        "def test_no_llm_secret_reaches_generated_code():\n"
        "    seen = sorted(k for k, v in os.environ.items()\n"
        "                  if k.startswith('GROKORC_LLM') or 'sk-grokorc-canary' in v)\n"
        "    assert seen == []\n")},
]


@pytest.fixture(scope="module")
def canary() -> str:
    return "sk-grokorc-canary-" + secrets.token_hex(16)


def llm_env(cli_env: dict, server: FakeOpenAIServer, key: str) -> dict:
    return {**cli_env, "GROKORC_LLM_PROVIDER": "openai", "GROKORC_LLM_BASE_URL": server.base_url,
            "GROKORC_LLM_API_KEY": key, "GROKORC_LLM_MODEL": "openai/gpt-4o-mini",
            "GROKORC_LLM_BACKOFF_BASE_SECONDS": "0", "GROKORC_LLM_RECORD_MODE": "record", "COLUMNS": "200"}


def build(env: dict, cwd: Path, project_id: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grokorc_assets.cli", "build", "Orders dashboard with charts",
                           "--project-id", project_id, "--json"],
                          env=env, cwd=cwd, capture_output=True, timeout=600)


class Scan:
    """Where the key was found; ``needles`` are the whole key and its random part (a partial leak)."""

    def __init__(self, key: str) -> None:
        self.needles = [key.encode(), key.rsplit("-", 1)[1].encode()]
        self.hits: list[str] = []
        self.scanned: list[str] = []

    def bytes(self, where: str, data: bytes) -> None:
        self.scanned.append(where)
        if any(n in data for n in self.needles):
            self.hits.append(where)

    def text(self, where: str, text: str) -> None:
        self.bytes(where, text.encode("utf-8", "surrogatepass"))

    def tree(self, root: Path) -> None:
        for path in sorted(root.rglob("*")):
            if path.is_symlink() or not path.is_file():
                continue
            try:
                data = path.read_bytes()
            except (PermissionError, FileNotFoundError):  # a file Postgres removed meanwhile
                continue
            self.bytes(str(path), data)
            if path.name.endswith((".tar.gz", ".tgz")):
                with tarfile.open(path, "r:gz") as tar:
                    for member in tar.getmembers():
                        extracted = tar.extractfile(member)
                        if extracted is not None:
                            self.bytes(f"{path}!{member.name}", extracted.read())
            elif path.suffix == ".gz":
                self.bytes(f"{path}!gunzip", gzip.decompress(data))

    def run(self, instance, run_id: str) -> None:
        from dagster._serdes import serialize_value

        records = instance.get_records_for_run(run_id, limit=100_000).records
        assert records, f"no event records for run {run_id}"
        for record in records:
            self.text(f"event {record.storage_id}", serialize_value(record.event_log_entry))
        self.text(f"run {run_id}", serialize_value(instance.get_run_by_id(run_id)))

    def tables(self, engine, project_id: str) -> None:
        with engine.connect() as conn:
            for table in ("llm_exchanges", "results", "project_requests"):
                rows = conn.execute(sa.text(f"SELECT * FROM grokorc.{table} WHERE project_id = :p"),
                                    {"p": project_id}).mappings().all()
                self.text(f"grokorc.{table}", json.dumps([dict(r) for r in rows], default=str))
                self.scanned.append(f"grokorc.{table}: {len(rows)} rows")


def test_the_scan_can_find_the_key(tmp_path, canary):
    planted = tmp_path / "delivery"
    planted.mkdir()
    (planted / "report.json").write_text(json.dumps({"header": f"Bearer {canary}"}))
    with tarfile.open(planted / "p.tar.gz", "w:gz") as tar:
        info = tarfile.TarInfo("p/.env")
        data = f"KEY=...{canary.rsplit('-', 1)[1]}\n".encode()
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    scan = Scan(canary)
    scan.tree(tmp_path)
    assert sorted(scan.hits) == sorted([str(planted / "report.json"), str(planted / "p.tar.gz") + "!p/.env"])


def test_a_delivered_build_leaks_the_key_nowhere(cli_env, grokorc_home, settings, engine, instance, canary,
                                                 tmp_path):
    project_id = f"secret-{uuid.uuid4().hex[:8]}"
    with FakeOpenAIServer() as server:
        server.route(router(backend_files=COVERED_BACKEND))
        proc = build(llm_env(cli_env, server, canary), tmp_path, project_id)
        received = server.chat_requests
    stdout, stderr = proc.stdout.decode(), proc.stderr.decode()
    assert proc.returncode == 0, stderr[-3000:]
    result = json.loads(stdout)
    assert result["status"] == "success" and result["coverage"]["tests_failed"] == 0, result["coverage"]
    # Control: the key was really in play — every request the server got carried it.
    assert len(received) >= 4  # plan + three agents
    assert all(r.headers.get("authorization") == f"Bearer {canary}" for r in received)
    assert result["slos"]["cost"]["tokens"] > 0

    scan = Scan(canary)
    scan.text("stdout", stdout)
    scan.text("stderr", stderr)
    scan.tree(grokorc_home)
    scan.run(instance, result["execution"]["run_id"])
    scan.tables(engine, project_id)
    archives = [s for s in scan.scanned if s.endswith(".tar.gz") and project_id in s]
    assert archives, "the delivery archive was not scanned"
    assert any("!" in s and project_id in s for s in scan.scanned), "the archive's members were not scanned"
    assert any(s.endswith("/pg/log") for s in scan.scanned), "the Postgres server log was not scanned"
    assert any(s.startswith("grokorc.llm_exchanges: ") and not s.endswith(": 0 rows") for s in scan.scanned)
    assert scan.hits == []
    assert list(tmp_path.iterdir()) == []


def test_a_server_echoing_the_key_in_a_401_fails_the_build_without_leaking_it(
        cli_env, grokorc_home, engine, instance, canary, tmp_path):
    project_id = f"secret401-{uuid.uuid4().hex[:8]}"
    echo = Behaviour.error(401, {"error": {"message": f"Incorrect API key provided: {canary}",
                                           "type": "invalid_request_error", "key": canary}})
    with FakeOpenAIServer() as server:
        server.route(lambda body: echo)
        proc = build(llm_env(cli_env, server, canary), tmp_path, project_id)
        received = server.chat_requests
    stdout, stderr = proc.stdout.decode(), proc.stderr.decode()
    assert proc.returncode == 1, stderr[-3000:]
    assert "Traceback" not in stderr
    result = json.loads(stdout)
    assert result["status"] == "failed"
    assert result["execution"]["assets"]["plan"]["status"] == "failed", result["execution"]["assets"]
    assert received and all(r.headers.get("authorization") == f"Bearer {canary}" for r in received)

    scan = Scan(canary)
    scan.text("stdout", stdout)
    scan.text("stderr", stderr)
    scan.tree(grokorc_home)
    scan.run(instance, result["execution"]["run_id"])
    scan.tables(engine, project_id)
    assert scan.hits == []
