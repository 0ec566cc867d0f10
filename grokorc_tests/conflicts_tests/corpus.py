"""A seeded corpus of generated projects with conflicts injected on purpose, and the truth about them.

Every project is really generated (all four agents); injections then edit the agents' staging trees
the way a misbehaving agent would. Each injection expects exactly one conflict of its kind, found by a
marker in the conflict's items, and says whether a deterministic mediation should apply (``auto``).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from grokorc_assets.generation import generate_backend, generate_devops, generate_frontend, infer_ui
from grokorc_assets.generation.models import GenerationResult, ResourceSpec
from grokorc_assets.models import Plan, Stack
from grokorc_tests.generation_tests import plans as gen_plans

SEED = 20240611
PROJECTS = 34
CLEAN_EVERY = 4  # every 4th project stays clean: no conflict may be reported there


def crud() -> Plan:
    return Plan(archetype="crud", confidence=0.87, has_ui=True, stack=Stack(frontend=["vue"], backend=["fastapi"]),
                entities=["task", "project", "user"], features=["filters"], pages=["tasks", "projects"])


def booking() -> Plan:
    return Plan(archetype="booking", confidence=0.9, has_ui=True, stack=Stack(frontend=["react"]),
                entities=["booking", "room", "guest"], features=["search", "calendar"],
                pages=["overview", "bookings", "rooms"])


def content() -> Plan:
    return Plan(archetype="content", confidence=0.84, has_ui=True, stack=Stack(),
                entities=["article", "author", "category"], features=["search"])


PLANS: dict[str, Callable[[], Plan]] = {
    "dashboard": gen_plans.dashboard, "ecommerce": gen_plans.ecommerce, "crud": crud, "booking": booking,
    "content": content, "api": gen_plans.api_only, "awkward_crud": gen_plans.awkward_crud, "cli": gen_plans.cli_tool,
}


@dataclass(frozen=True)
class Expected:
    kind: str
    marker: str  # a substring of the conflict's items
    auto: bool  # True: the threshold lets the deterministic mediation apply
    injection: str
    files: tuple[str, ...] = ()  # project files the conflict is about (must stay unchanged when escalated)


@dataclass
class Project:
    name: str
    plan: str
    workspace: Path
    backend: GenerationResult
    expected: list[Expected] = field(default_factory=list)

    def agent_file(self, agent: str, rel: str) -> Path:
        return self.workspace / "agents" / agent / rel

    def read(self, agent: str, rel: str) -> str:
        return self.agent_file(agent, rel).read_text(encoding="utf-8")

    def write(self, agent: str, rel: str, text: str) -> None:
        path = self.agent_file(agent, rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def replace(self, agent: str, rel: str, old: str, new: str) -> None:
        text = self.read(agent, rel)
        assert old in text, f"{self.name}: {old!r} not in {agent}/{rel}"
        self.write(agent, rel, text.replace(old, new, 1))

    @property
    def has_ui(self) -> bool:
        return (self.workspace / "agents" / "ui").is_dir() and any(self.pages())

    @property
    def has_api(self) -> bool:
        return bool(self.backend.endpoints)

    def pages(self) -> list[str]:
        root = self.workspace / "agents" / "ui"
        return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html")) if root.is_dir() else []

    def resource(self, rng: random.Random, need: Callable[[ResourceSpec], bool] = lambda r: True) -> ResourceSpec:
        pool = [r for r in self.backend.resources if r.name != r.plural and need(r)]
        assert pool, self.name
        return rng.choice(pool)


# ---- injections: (project, rng) -> Expected; each needs a slot so two never edit the same text -------

def api_singular_call(p: Project, rng: random.Random) -> Expected:
    r = p.resource(rng)
    p.replace("frontend", "frontend/api.js", f'request("GET", "/api/{r.plural}" + query',
              f'request("GET", "/api/{r.name}" + query')
    return Expected("api_contract", f"GET /api/{r.name} ", True, "api_singular_call", ("frontend/api.js",))


def api_singular_delete(p: Project, rng: random.Random) -> Expected:
    r = p.resource(rng)
    p.replace("frontend", "frontend/api.js", f'request("DELETE", "/api/{r.plural}/"',
              f'request("DELETE", "/api/{r.name}/"')
    return Expected("api_contract", f"DELETE /api/{r.name}/", True, "api_singular_delete", ("frontend/api.js",))


def api_zebra_fetch(p: Project, rng: random.Random) -> Expected:
    p.write("frontend", "frontend/app.js", p.read("frontend", "frontend/app.js")
            + '\nfetch("/api/zebra-stripes", { method: "GET" });\n')
    return Expected("api_contract", "GET /api/zebra-stripes", False, "api_zebra_fetch", ("frontend/app.js",))


def _form_page(p: Project) -> str:
    return next(page for page in p.pages() if 'data-component="form"' in p.read("ui", page))


def binding_singular(p: Project, rng: random.Random) -> Expected:
    page = _form_page(p)
    text = p.read("ui", page)
    op = text.split('data-component="form" data-resource="', 1)[1].split('data-operation="', 1)[1].split('"', 1)[0]
    plural = op.split(".")[0]
    name = next(r.name for r in p.backend.resources if r.plural == plural)
    if name == plural:
        name = plural + "_entry"  # still a near miss; similarity is asserted by the auto flag below
    p.replace("ui", page, f' data-operation="{op}"', f' data-operation="{name}.create"')
    auto = name != plural + "_entry"
    return Expected("api_contract", f"data-operation={name}.create", auto, "binding_singular", (page,))


def binding_zebra(p: Project, rng: random.Random) -> Expected:
    page = rng.choice(p.pages())
    text = p.read("ui", page)
    op = text.split(' data-operation="', 1)[1].split('"', 1)[0]
    p.replace("ui", page, f' data-operation="{op}"', ' data-operation="zebra_herds.list"')
    return Expected("api_contract", "data-operation=zebra_herds.list", False, "binding_zebra", (page,))


def form_field_typo(p: Project, rng: random.Random) -> Expected:
    page = _form_page(p)
    p.replace("ui", page, 'name="description" data-type=', 'name="descripton" data-type=')
    return Expected("api_contract", "sends 'descripton'", True, "form_field_typo", (page,))


def form_field_zebra(p: Project, rng: random.Random) -> Expected:
    page = _form_page(p)
    p.replace("ui", page, 'name="description" data-type=', 'name="zebra_notes" data-type=')
    return Expected("api_contract", "sends 'zebra_notes'", False, "form_field_zebra", (page,))


def _table_tag(p: Project) -> tuple[str, str]:
    page = next(page for page in p.pages() if 'data-component="data_table" data-resource="' in p.read("ui", page))
    plural = p.read("ui", page).split('data-component="data_table" data-resource="', 1)[1].split('"', 1)[0]
    return page, plural


def ui_resource_singular(p: Project, rng: random.Random) -> Expected:
    page, plural = _table_tag(p)
    name = next(r.name for r in p.backend.resources if r.plural == plural)
    p.replace("ui", page, f'data-component="data_table" data-resource="{plural}"',
              f'data-component="data_table" data-resource="{name}"')
    return Expected("duplicate_component", f"data-resource={name}", name != plural, "ui_resource_singular", (page,))


def ui_resource_zebra(p: Project, rng: random.Random) -> Expected:
    page, plural = _table_tag(p)
    p.replace("ui", page, f'data-component="data_table" data-resource="{plural}"',
              'data-component="data_table" data-resource="zebra_things"')
    return Expected("duplicate_component", "data-resource=zebra_things", False, "ui_resource_zebra", (page,))


def meta_singular(p: Project, rng: random.Random) -> Expected:
    r = p.resource(rng)
    p.replace("frontend", "frontend/api.js", f'"{r.plural}": {{"fields"', f'"{r.name}": {{"fields"')
    return Expected("duplicate_component", f"resources['{r.name}']", True, "meta_singular", ("frontend/api.js",))


def meta_renamed(p: Project, rng: random.Random) -> Expected:
    r = p.resource(rng)
    p.replace("frontend", "frontend/api.js", f'"{r.plural}": {{"fields"', '"zebra_records": {"fields"')
    return Expected("duplicate_component", "resources['zebra_records']", False, "meta_renamed", ("frontend/api.js",))


def compose_port(p: Project, rng: random.Random) -> Expected:
    p.replace("devops", "docker-compose.yml", 'APP_PORT: "8000"', 'APP_PORT: "8080"')
    return Expected("config_mismatch", "APP_PORT=8080", True, "compose_port", ("docker-compose.yml",))


def dockerfile_expose(p: Project, rng: random.Random) -> Expected:
    p.replace("devops", "backend/Dockerfile", "EXPOSE 8000", "EXPOSE 8080")
    return Expected("config_mismatch", "EXPOSE=8080", True, "dockerfile_expose", ("backend/Dockerfile",))


def nginx_port(p: Project, rng: random.Random) -> Expected:
    p.replace("devops", "frontend/nginx.conf", "proxy_pass http://backend:8000", "proxy_pass http://backend:8001")
    return Expected("config_mismatch", "proxy_pass port=8001", True, "nginx_port", ("frontend/nginx.conf",))


def nginx_host_typo(p: Project, rng: random.Random) -> Expected:
    p.replace("devops", "frontend/nginx.conf", "proxy_pass http://backend:", "proxy_pass http://backnd:")
    return Expected("config_mismatch", "proxy_pass host backnd", True, "nginx_host_typo", ("frontend/nginx.conf",))


def nginx_host_other(p: Project, rng: random.Random) -> Expected:
    p.replace("devops", "frontend/nginx.conf", "proxy_pass http://backend:", "proxy_pass http://api-gateway:")
    return Expected("config_mismatch", "proxy_pass host api-gateway", False, "nginx_host_other",
                    ("frontend/nginx.conf",))


def env_key_typo(p: Project, rng: random.Random) -> Expected:
    p.replace("devops", ".env.example", "APP_PORT=", "APP_PROT=")
    return Expected("config_mismatch", "APP_PROT=", True, "env_key_typo", (".env.example",))


def env_key_zebra(p: Project, rng: random.Random) -> Expected:
    p.write("devops", ".env.example", p.read("devops", ".env.example") + "ZEBRA_STRIPES=42\n")
    return Expected("config_mismatch", "ZEBRA_STRIPES=42", False, "env_key_zebra", (".env.example",))


def env_value(p: Project, rng: random.Random) -> Expected:
    p.replace("devops", ".env.example", "APP_LOG_LEVEL=info", "APP_LOG_LEVEL=debug")
    return Expected("config_mismatch", "APP_LOG_LEVEL=debug", True, "env_value", (".env.example",))


def pip_pin(p: Project, rng: random.Random) -> Expected:
    p.replace("devops", "backend/Dockerfile", "-r requirements.txt", '-r requirements.txt "fastapi<0.100"')
    return Expected("dependency_conflict", "fastapi<0.100", False, "pip_pin", ("backend/Dockerfile",))


def requires_python(p: Project, rng: random.Random) -> Expected:
    p.write("backend", "backend/pyproject.toml",
            '[project]\nname = "generated"\nversion = "0.1.0"\nrequires-python = ">=3.12"\n\n'
            + p.read("backend", "backend/pyproject.toml"))
    return Expected("dependency_conflict", "requires-python", False, "requires_python", ("backend/pyproject.toml",))


def dev_requirements(p: Project, rng: random.Random) -> Expected:
    p.write("devops", "backend/requirements-dev.txt", "pytest<8\nruff>=0.4\n")
    return Expected("dependency_conflict", "pytest<8", False, "dev_requirements", ("backend/requirements-dev.txt",))


def compose_image_unpinned(p: Project, rng: random.Random) -> Expected:
    p.replace("devops", "docker-compose.yml", "    build: ./backend\n",
              "    build: ./backend\n    image: python:latest\n")
    return Expected("dependency_conflict", "image: python:latest", True, "compose_image_unpinned",
                    ("docker-compose.yml",))


def collision_superset(p: Project, rng: random.Random) -> Expected:
    text = p.read("devops", "backend/Dockerfile")
    p.write("backend", "backend/Dockerfile", text.replace("WORKDIR /srv\n", 'WORKDIR /srv\nLABEL org.opencontainers'
                                                          '.image.source="generated"\n'))
    return Expected("path_collision", "backend/Dockerfile (backend", True, "collision_superset",
                    ("backend/Dockerfile",))


def collision_whitespace(p: Project, rng: random.Random) -> Expected:
    text = p.read("frontend", "frontend/styles.css")
    p.write("ui", "frontend/styles.css", text.replace("\n", "  \n").replace("{", " {", 3))
    return Expected("path_collision", "frontend/styles.css (frontend", True, "collision_whitespace",
                    ("frontend/styles.css",))


def collision_divergent(p: Project, rng: random.Random) -> Expected:
    page = rng.choice(p.pages())
    p.write("frontend", page, "<!doctype html>\n<title>Placeholder</title>\n<h1>Coming soon</h1>\n")
    return Expected("path_collision", f"{page} (frontend", False, "collision_divergent", (page,))


def collision_env(p: Project, rng: random.Random) -> Expected:
    p.write("backend", ".env.example", "# backend's own notes\nSECRET=change-me\n")
    return Expected("path_collision", ".env.example (backend", False, "collision_env", (".env.example",))


@dataclass(frozen=True)
class Injection:
    fn: Callable[[Project, random.Random], Expected]
    slot: str
    needs: str  # "api" (an HTTP backend), "ui" (pages) or "any"


INJECTIONS: list[Injection] = [
    Injection(api_singular_call, "api.js-get", "ui"), Injection(api_singular_delete, "api.js-delete", "ui"),
    Injection(api_zebra_fetch, "app.js", "ui"), Injection(binding_singular, "form-tag", "ui"),
    Injection(binding_zebra, "page-op", "ui"), Injection(form_field_typo, "form-field", "ui"),
    Injection(form_field_zebra, "form-field", "ui"), Injection(ui_resource_singular, "table-tag", "ui"),
    Injection(ui_resource_zebra, "table-tag", "ui"), Injection(meta_singular, "meta", "ui"),
    Injection(meta_renamed, "meta", "ui"), Injection(compose_port, "compose-env", "api"),
    Injection(dockerfile_expose, "dockerfile", "api"), Injection(nginx_port, "nginx", "ui"),
    Injection(nginx_host_typo, "nginx", "ui"), Injection(nginx_host_other, "nginx", "ui"),
    Injection(env_key_typo, "env", "api"), Injection(env_key_zebra, "env", "api"),
    Injection(env_value, "env", "api"), Injection(pip_pin, "dockerfile", "api"),
    Injection(requires_python, "pyproject", "any"), Injection(dev_requirements, "dev-reqs", "any"),
    Injection(compose_image_unpinned, "compose-image", "api"), Injection(collision_superset, "dockerfile", "any"),
    Injection(collision_whitespace, "collision", "ui"), Injection(collision_divergent, "collision", "ui"),
    Injection(collision_env, "collision", "any"),
]
# binding_zebra picks any page; keep it off pages the form/table injections use by giving them one slot.
_SHARED_SLOTS = {"page-op": {"form-tag", "table-tag", "form-field"}}


def _fits(inj: Injection, p: Project) -> bool:
    return inj.needs == "any" or (inj.needs == "api" and p.has_api) or (inj.needs == "ui" and p.has_ui and p.has_api)


def _pick(rng: random.Random, p: Project, count: int) -> list[Injection]:
    chosen: list[Injection] = []
    used: set[str] = set()
    for inj in rng.sample(INJECTIONS, len(INJECTIONS)):
        blocked = {inj.slot} | _SHARED_SLOTS.get(inj.slot, set())
        blocked |= {k for k, v in _SHARED_SLOTS.items() if inj.slot in v}
        if _fits(inj, p) and not (blocked & used):
            chosen.append(inj)
            used.add(inj.slot)
        if len(chosen) == count:
            break
    return chosen


def generate(plan_name: str, workspace: Path) -> Project:
    plan = PLANS[plan_name]()
    backend = generate_backend(plan, workspace)
    generate_frontend(plan, workspace)
    generate_devops(plan, workspace)
    infer_ui(plan, workspace, backend)
    return Project(name=workspace.name, plan=plan_name, workspace=workspace, backend=backend)


def build_corpus(root: Path, projects: int = PROJECTS, seed: int = SEED) -> list[Project]:
    """``projects`` workspaces under ``root``: every CLEAN_EVERY-th clean, the rest with 2-4 injections."""
    rng = random.Random(seed)
    names = list(PLANS)
    out: list[Project] = []
    for n in range(projects):
        plan_name = names[n % len(names)]
        p = generate(plan_name, root / f"p{n:02d}-{plan_name}")
        if n % CLEAN_EVERY != 0:
            for inj in _pick(rng, p, rng.randint(2, 4)):
                p.expected.append(inj.fn(p, rng))
        out.append(p)
    return out
