"""Delivery files agree with the backend: ports, environment keys, commands."""

from __future__ import annotations

import re

import yaml


def test_compose_matches_backend_config(generated):
    gen = generated("dashboard")
    compose = yaml.safe_load((gen.project / "docker-compose.yml").read_text())
    port = gen.backend.port
    assert port == gen.devops.port == 8000
    backend = compose["services"]["backend"]
    assert backend["ports"] == [f"{port}:{port}"]
    assert backend["environment"]["APP_PORT"] == str(port)
    assert set(backend["environment"]) <= set(gen.backend.env)
    assert f":{port}/api/health" in " ".join(backend["healthcheck"]["test"])
    assert compose["services"]["frontend"]["depends_on"]["backend"]["condition"] == "service_healthy"
    config = (gen.project / "backend/app/config.py").read_text()
    for key in gen.backend.env:
        assert f'"{key}"' in config  # every documented variable is one the app reads
    dockerfile = (gen.project / "backend/Dockerfile").read_text()
    assert f"EXPOSE {port}" in dockerfile and "app.main:app" in dockerfile
    assert f"proxy_pass http://backend:{port};" in (gen.project / "frontend/nginx.conf").read_text()


def test_env_example_lists_backend_keys_without_secret_values(generated):
    for name in ("dashboard", "api", "cli"):
        gen = generated(name)
        lines = [line for line in (gen.project / ".env.example").read_text().splitlines()
                 if line and not line.startswith("#")]
        pairs = dict(line.split("=", 1) for line in lines)
        assert pairs == gen.backend.env == gen.devops.env
        # A key for a secret may be listed (the token key of accounts), never with a value to leak.
        assert all(value == "" for key, value in pairs.items() if re.search(r"SECRET|PASSWORD|TOKEN|KEY", key))


def test_ci_workflow_runs_the_generated_tests(generated):
    gen = generated("dashboard")
    ci = yaml.safe_load((gen.project / ".github/workflows/ci.yml").read_text())
    steps = [step.get("run", "") for step in ci["jobs"]["backend"]["steps"]]
    assert "python -m coverage run -m pytest" in steps
    assert "python -m coverage report --fail-under=95" in steps
    assert ci["jobs"]["backend"]["defaults"]["run"]["working-directory"] == "backend"
    assert set(ci["jobs"]) == {"backend", "frontend", "docker"}


def test_api_and_cli_variants(generated):
    api = generated("api")
    compose = yaml.safe_load((api.project / "docker-compose.yml").read_text())
    assert set(compose["services"]) == {"backend"}
    assert not (api.project / "frontend").exists()
    assert [s.reason for s in api.devops.substitutions] == [
        "kubernetes recommended; offline templates generate docker-compose"]
    cli = generated("cli")
    assert not (cli.project / "docker-compose.yml").exists()
    assert 'ENTRYPOINT ["python", "-m", "app"]' in (cli.project / "backend/Dockerfile").read_text()
    ci = yaml.safe_load((cli.project / ".github/workflows/ci.yml").read_text())
    assert set(ci["jobs"]) == {"backend", "docker"}


def test_hostile_title_does_not_reach_yaml(generated):
    gen = generated("hostile")
    compose = yaml.safe_load((gen.project / "docker-compose.yml").read_text())
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", compose["name"])
