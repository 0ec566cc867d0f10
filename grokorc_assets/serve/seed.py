"""Sample data for a served project, created through the app's own HTTP API.

Pages of a generated UI list records; shot empty they show an empty state and prove nothing about
the data views. Seeding through the API (not the database) exercises the same validation a user's
requests would, and works whatever storage the generated backend picked.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field

REGISTER_PATH = "/api/auth/register"
LOGIN_PATH = "/api/auth/login"
SEED_USER = "grokorc-seed"


class SeedField(BaseModel):
    """The part of the backend's ``FieldSpec`` seeding needs."""

    model_config = ConfigDict(extra="ignore")

    name: str
    type: str = "str"
    required: bool = True
    example: Any = None
    choices: list[str] | None = None


class SeedResource(BaseModel):
    """The part of the backend's ``ResourceSpec`` seeding needs (``backend["resources"]`` items)."""

    model_config = ConfigDict(extra="ignore")

    plural: str
    fields: list[SeedField] = Field(default_factory=list)
    references: dict[str, str] = Field(default_factory=dict)  # field -> plural of the record it names


class SeedOutcome(BaseModel):
    resource: str
    created: int = 0
    errors: list[str] = Field(default_factory=list)


class SeedReport(BaseModel):
    authenticated: bool = False
    resources: list[SeedOutcome] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(r.created for r in self.resources)

    def seeded(self, plural: str) -> bool:
        return any(r.resource == plural and r.created for r in self.resources)


def sample_value(field: SeedField, index: int) -> Any:
    """The field's example, varied by ``index`` so records differ (index 0 is the example itself)."""
    value = field.example
    if field.choices:
        return field.choices[index % len(field.choices)]  # records in each of the listed states
    if index == 0 or value is None:
        return value
    varied = _VARIANTS.get(field.type, _vary_text)
    try:
        return varied(value, index)
    except (TypeError, ValueError):
        return value  # an example of an unexpected shape: send it unchanged rather than invent one


def _vary_text(value: Any, index: int) -> str:
    return f"{value} {index + 1}"


def _vary_email(value: Any, index: int) -> str:
    local, _, domain = str(value).partition("@")
    return f"{local}{index + 1}@{domain}" if domain else str(value)


def _vary_datetime(value: Any, index: int) -> str:
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return (moment + timedelta(days=index)).isoformat()


_VARIANTS = {
    "str": _vary_text,
    "text": _vary_text,
    "email": _vary_email,
    "int": lambda v, i: int(v) + i,
    "float": lambda v, i: round(float(v) + 1.5 * i, 2),
    "bool": lambda v, i: bool(v) if i % 2 == 0 else not bool(v),
    "datetime": _vary_datetime,
}


def sample_record(resource: SeedResource, index: int, created: dict[str, list[int]] | None = None
                  ) -> dict[str, Any]:
    """The ``index``-th sample; its references name records seeded before (``created``: plural -> ids),
    in turn, so the records spread over them."""
    record = {f.name: sample_value(f, index) for f in resource.fields if f.example is not None}
    for field, target in resource.references.items():
        if ids := (created or {}).get(target):
            record[field] = ids[index % len(ids)]
    return record


def seeding_order(specs: list[SeedResource]) -> list[SeedResource]:
    """Records another names first: books before the loans of them (a reference to nothing is refused).
    A cycle is broken where it closes: its first resource goes first."""
    by_plural = {s.plural: s for s in specs}
    order: list[SeedResource] = []
    visiting: set[str] = set()

    def visit(spec: SeedResource) -> None:
        if spec in order or spec.plural in visiting:
            return
        visiting.add(spec.plural)
        for target in spec.references.values():
            if target in by_plural:
                visit(by_plural[target])
        order.append(spec)

    for spec in specs:
        visit(spec)
    return order


def seed_sample_data(base_url: str, resources: list[SeedResource | dict], *, per_resource: int = 3,
                     timeout_s: float = 10.0) -> SeedReport:
    """POST ``per_resource`` records to ``/api/<plural>`` for each resource, logged in if the app has
    accounts. Failures are recorded, never raised: a broken API shows up in the shots and checks."""
    specs = [SeedResource.model_validate(r) for r in resources]
    report = SeedReport()
    with httpx.Client(base_url=base_url, timeout=timeout_s) as client:
        if _has_auth(client, report):
            token = _login(client, report)
            if token:
                client.headers["Authorization"] = f"Bearer {token}"
                report.authenticated = True
        created: dict[str, list[int]] = {}
        for spec in seeding_order(specs):
            report.resources.append(_seed_one(client, spec, per_resource, created))
    return report


def _seed_one(client: httpx.Client, spec: SeedResource, count: int, created: dict[str, list[int]]) -> SeedOutcome:
    outcome = SeedOutcome(resource=spec.plural)
    for index in range(count):
        try:
            response = client.post(f"/api/{spec.plural}", json=sample_record(spec, index, created))
        except httpx.HTTPError as exc:
            outcome.errors.append(f"record {index}: {type(exc).__name__}: {exc}")
            continue
        if response.is_success:
            outcome.created += 1
            record_id = _id_of(response)
            if record_id is not None:
                created.setdefault(spec.plural, []).append(record_id)
        else:
            outcome.errors.append(f"record {index}: HTTP {response.status_code} {response.text[:200]}")
    return outcome


def _id_of(response: httpx.Response) -> int | None:
    try:
        value = response.json().get("id")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, int) else None


def _has_auth(client: httpx.Client, report: SeedReport) -> bool:
    try:
        response = client.get("/openapi.json")
        response.raise_for_status()
        paths = response.json().get("paths", {})
    except (httpx.HTTPError, ValueError, AttributeError) as exc:
        report.notes.append(f"no readable /openapi.json ({exc}); seeding without an account")
        return False
    return REGISTER_PATH in paths


def _login(client: httpx.Client, report: SeedReport) -> str | None:
    # A fresh password per run: the served database is a throw-away scratch file.
    creds = {"username": SEED_USER, "password": secrets.token_urlsafe(16)}
    try:
        registered = client.post(REGISTER_PATH, json=creds)
        response = client.post(LOGIN_PATH, json=creds)
        if response.status_code == 422:  # an OAuth2 password form instead of JSON
            response = client.post(LOGIN_PATH, data=creds)
        token = response.json().get("access_token") if response.is_success else None
    except (httpx.HTTPError, ValueError, AttributeError) as exc:
        report.notes.append(f"login failed: {type(exc).__name__}: {exc}")
        return None
    if not token:
        report.notes.append(f"register answered {registered.status_code}, login {response.status_code}: "
                            "seeding without a token")
    return token
