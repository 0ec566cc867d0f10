"""The feature table's API contracts, checked from outside against a served project.

Each checker talks to the app over real HTTP (httpx) or WebSockets (websockets), the way a client of
the delivered project would, and asserts the contract of its feature; none imports generated code.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import datetime, timedelta

import httpx
from websockets.sync.client import connect

from grokorc_assets.generation.models import ResourceSpec
from grokorc_assets.generation.spec import ProjectSpec, text_field
from grokorc_assets.models import AcceptanceCriterion, EntityField
from grokorc_assets.planning.acceptance import feature_field


class Served:
    """A served project's client: its base URL, the spec it was generated from, a logged-in header."""

    def __init__(self, base: str, spec: ProjectSpec) -> None:
        self.base = base
        self.spec = spec
        self.http = httpx.Client(base_url=base, timeout=10)
        self.resources = {r.entity: r for r in spec.resources}
        self.by_plural = {r.plural: r for r in spec.resources}
        self.counter = 0
        if "accounts" in spec.feature_keys:
            creds = {"username": "prober", "password": "a long passphrase"}
            assert self.http.post("/api/auth/register", json=creds).status_code == 201
            token = self.http.post("/api/auth/login", json=creds).json()["access_token"]
            self.http.headers["Authorization"] = f"Bearer {token}"

    def record(self, r: ResourceSpec, **changes) -> dict:
        """A new valid record of ``r``, distinct from the others (text suffixed, dates moved on). Its
        references name records made for it (the API refuses an id no record has)."""
        self.counter += 1
        body = {f.name: f.example for f in r.fields}
        body[text_field(r)] = f"{body[text_field(r)]} {self.counter}"
        for f in r.fields:
            if f.type == "datetime":
                body[f.name] = (datetime.fromisoformat(f.example) + timedelta(days=self.counter)).isoformat()
        for field, target in r.references.items():
            if field not in changes:
                body[field] = self.create(self.by_plural[target])["id"]
        return {**body, **changes}

    def create(self, r: ResourceSpec, **changes) -> dict:
        response = self.http.post(f"/api/{r.plural}", json=self.record(r, **changes))
        assert response.status_code == 201, response.text
        return response.json()

    def ws(self, path: str):
        return connect(self.base.replace("http://", "ws://") + path, open_timeout=10)


def _field(served: Served, feature: str, r: ResourceSpec) -> str:
    fields = {x.entity: [EntityField(name=f.name, type=f.type) for f in x.fields] for x in served.spec.resources}
    return feature_field(feature, r.entity, fields, getattr(served.spec.roles, f"{feature}_field", None))


def crud(s: Served, r: ResourceSpec) -> None:
    made = s.create(r)
    base = f"/api/{r.plural}"
    assert s.http.get(f"{base}/{made['id']}").json() == made
    assert made in s.http.get(base).json()
    text = text_field(r)
    changed = s.record(r)
    assert s.http.put(f"{base}/{made['id']}", json=changed).json()[text] == changed[text]
    assert s.http.delete(f"{base}/{made['id']}").status_code == 204
    assert s.http.get(f"{base}/{made['id']}").status_code == 404
    assert base in s.http.get("/openapi.json").json()["paths"]


def search(s: Served, r: ResourceSpec) -> None:
    text = text_field(r)
    wanted = s.create(r, **{text: "Quokka sighting"})
    s.create(r, **{text: "Wombat burrow"})
    found = s.http.get(f"/api/{r.plural}", params={"q": "qUOKKA"}).json()
    assert [x["id"] for x in found] == [wanted["id"]]


def sort(s: Served, r: ResourceSpec) -> None:
    field = _field(s, "sort", r)
    for _ in range(3):
        s.create(r)
    up = [x[field] for x in s.http.get(f"/api/{r.plural}", params={"sort": field}).json()]
    down = [x[field] for x in s.http.get(f"/api/{r.plural}", params={"sort": "-" + field}).json()]
    assert up == sorted(up) and down == sorted(up, reverse=True) and len(up) >= 3


def filters(s: Served, r: ResourceSpec) -> None:
    field = _field(s, "filters", r)
    made = s.create(r)
    found = s.http.get(f"/api/{r.plural}", params={field: str(made[field])}).json()
    assert made["id"] in [x["id"] for x in found]
    assert all(str(x[field]) == str(made[field]) for x in found)


def listed_values(s: Served, r: ResourceSpec) -> None:
    listed = [f for f in r.fields if f.choices]
    assert listed, f"{r.plural} has no field with listed values"
    for f in listed:
        for value in f.choices:
            assert s.create(r, **{f.name: value})[f.name] == value
        unlisted = s.http.post(f"/api/{r.plural}", json=s.record(r, **{f.name: f"not {f.choices[0]}"}))
        assert unlisted.status_code == 422, unlisted.text


def pagination(s: Served, r: ResourceSpec) -> None:
    ids = [s.create(r)["id"] for _ in range(3)]
    everything = [x["id"] for x in s.http.get(f"/api/{r.plural}").json()]
    page = s.http.get(f"/api/{r.plural}", params={"limit": 2, "offset": everything.index(ids[0])}).json()
    assert [x["id"] for x in page] == ids[:2]


def tags(s: Served, r: ResourceSpec) -> None:
    tagged = s.create(r, tags=["zebra"])
    s.create(r, tags=["other"])
    assert [x["id"] for x in s.http.get(f"/api/{r.plural}", params={"tag": "zebra"}).json()] == [tagged["id"]]


def checkout(s: Served, r: ResourceSpec) -> None:
    price, stock = s.spec.roles.price_field, s.spec.roles.stock_field  # the request's own ("preis", ...)
    a, b = s.create(r, **{price: 10.25, stock: 4}), s.create(r, **{price: 2.0, stock: 1})
    short = s.http.post("/api/checkout", json={"items": [{"id": a["id"], "quantity": 1},
                                                         {"id": b["id"], "quantity": 2}]})
    assert short.status_code == 409
    assert s.http.get(f"/api/{r.plural}/{a['id']}").json()[stock] == 4
    done = s.http.post("/api/checkout", json={"items": [{"id": a["id"], "quantity": 2},
                                                        {"id": b["id"], "quantity": 1}]})
    assert done.status_code == 201 and done.json()["total"] == 22.5 and "order_id" in done.json()
    assert s.http.get(f"/api/{r.plural}/{a['id']}").json()[stock] == 2


def booking(s: Served, r: ResourceSpec) -> None:
    thing = s.spec.roles.thing
    extra = {f"{thing}_id": s.create(s.resources[thing])["id"]} if thing else {}
    start_field, end_field = s.spec.roles.start_field, s.spec.roles.end_field  # the request's own ("start_date")

    def book(start: str, end: str) -> int:
        times = {start_field: f"2031-05-02T{start}:00", end_field: f"2031-05-02T{end}:00"}
        body = s.record(r, **times, **extra)
        return s.http.post(f"/api/{r.plural}", json=body).status_code

    assert book("09:00", "10:00") == 201
    assert book("09:30", "10:30") == 409
    assert book("10:00", "11:00") == 201  # touching end-to-start is allowed


def accounts(s: Served, r: ResourceSpec | None) -> None:
    anonymous = httpx.Client(base_url=s.base, timeout=10)
    first = s.spec.resources[0]
    assert anonymous.post(f"/api/{first.plural}", json=s.record(first)).status_code == 401
    wrong = {"username": "prober", "password": "wrong passphrase"}
    assert anonymous.post("/api/auth/login", json=wrong).status_code == 401
    assert s.http.post(f"/api/{first.plural}", json=s.record(first)).status_code == 201


def comments(s: Served, r: ResourceSpec) -> None:
    parent = s.create(r)
    assert s.http.post(f"/api/{r.plural}/{parent['id']}/comments", json={"body": "Nice"}).status_code == 201
    assert [c["body"] for c in s.http.get(f"/api/{r.plural}/{parent['id']}/comments").json()] == ["Nice"]


def file_upload(s: Served, r: ResourceSpec) -> None:
    parent = s.create(r)
    files = f"/api/{r.plural}/{parent['id']}/attachments"
    raw = bytes(range(256)) * 4
    added = s.http.post(files, json={"filename": "manual.pdf", "content_type": "application/pdf",
                                     "data": base64.b64encode(raw).decode("ascii")})
    assert added.status_code == 201, added.text
    assert [(a["filename"], a["size"]) for a in s.http.get(files).json()] == [("manual.pdf", len(raw))]
    download = s.http.get(f"{files}/{added.json()['id']}")
    assert download.content == raw and download.headers["content-disposition"].startswith("attachment")
    too_big = base64.b64encode(b"x" * (5 * 1024 * 1024 + 1)).decode("ascii")
    assert s.http.post(files, json={"filename": "big.bin", "data": too_big}).status_code == 413


def media_gallery(s: Served, r: ResourceSpec) -> None:
    parent = s.create(r)
    photos = f"/api/{r.plural}/{parent['id']}/attachments"
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
    added = s.http.post(photos, json={"filename": "dish.png", "content_type": "image/png",
                                      "data": base64.b64encode(png).decode("ascii")})
    assert added.status_code == 201, added.text
    shown = s.http.get(f"{photos}/{added.json()['id']}")
    assert shown.content == png and shown.headers["content-type"] == "image/png"
    assert [a["filename"] for a in s.http.get(photos).json()] == ["dish.png"]


def ratings(s: Served, r: ResourceSpec) -> None:
    parent = s.create(r)
    for value in (4, 5):
        s.http.post(f"/api/{r.plural}/{parent['id']}/ratings", json={"value": value})
    assert s.http.get(f"/api/{r.plural}/{parent['id']}").json()["rating"] == 4.5
    assert s.http.post(f"/api/{r.plural}/{parent['id']}/ratings", json={"value": 9}).status_code == 422


def votes(s: Served, r: ResourceSpec) -> None:
    parent = s.create(r)
    for value in (1, 1, -1):
        s.http.post(f"/api/{r.plural}/{parent['id']}/votes", json={"value": value})
    assert s.http.get(f"/api/{r.plural}/{parent['id']}").json()["score"] == 1


def chat(s: Served, r: ResourceSpec) -> None:
    s.counter += 1
    room, other = f"lobby-{s.counter}", f"elsewhere-{s.counter}"
    with s.ws(f"/ws/{room}") as alice, s.ws(f"/ws/{room}") as bob, s.ws(f"/ws/{other}") as carol:
        alice.send(json.dumps({"author": "alice", "body": "hi all"}))
        assert json.loads(bob.recv(timeout=10))["body"] == "hi all"
        carol.send(json.dumps({"author": "carol", "body": "only here"}))
        assert json.loads(carol.recv(timeout=10))["body"] == "only here"  # alice's never reached this room
    history = s.http.get(f"/api/{r.plural}", params={"room": room}).json()
    assert [m["body"] for m in history] == ["hi all"]


def charts(s: Served, r: ResourceSpec) -> None:
    params = s.spec.roles.chart.params()
    made = [s.create(r) for _ in range(2)]
    stats = s.http.get(f"/api/stats/{r.plural}", params=params).json()
    assert sum(row["count"] for row in stats) >= len(made)
    if "by" in params:
        assert {row["key"] for row in stats} >= {str(m[params["by"]]) for m in made}
    if params.get("period") == "month":
        assert {row["period"] for row in stats} >= {str(m[params["date"]])[:7] for m in made}


def csv_export(s: Served, r: ResourceSpec) -> None:
    s.create(r)
    response = s.http.get(f"/api/{r.plural}/export.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert response.text.splitlines()[0].split(",")[0] == "id" and len(response.text.splitlines()) >= 2


def leaderboard(s: Served, r: ResourceSpec) -> None:
    for player, score in (("ann", 5), ("ben", 50), ("cat", 20)):
        assert s.http.post("/api/scores", json={"player": player, "score": score}).status_code == 201
    board = s.http.get("/api/scores", params={"sort": "-score"}).json()
    assert [x["player"] for x in board][:3] == ["ben", "cat", "ann"]


def notifications(s: Served, r: ResourceSpec) -> None:
    before = len(s.http.get("/api/notifications").json())
    made = s.create(r)
    notes = s.http.get("/api/notifications").json()
    assert len(notes) == before + 1 and notes[0]["record_id"] == made["id"]


def realtime(s: Served, r: ResourceSpec) -> None:
    with s.ws("/ws/updates") as listener:
        made = s.create(r)
        pushed = json.loads(listener.recv(timeout=10))
    assert pushed["resource"] == r.plural and pushed["record"]["id"] == made["id"]


def contact_form(s: Served, r: ResourceSpec | None) -> None:
    body = {"name": "Ada", "email": "ada@example.com", "message": "Hello"}
    assert s.http.post("/api/contact", json=body).status_code == 201
    assert s.http.post("/api/contact", json={**body, "email": "nope"}).status_code == 422


CHECKERS: dict[str, Callable[[Served, ResourceSpec | None], None]] = {
    "crud": crud, "search": search, "sort": sort, "filters": filters, "pagination": pagination, "tags": tags,
    "checkout": checkout, "booking": booking, "accounts": accounts, "comments": comments, "ratings": ratings,
    "file_upload": file_upload, "media_gallery": media_gallery,
    "votes": votes, "chat": chat, "charts": charts, "csv_export": csv_export, "leaderboard": leaderboard,
    "notifications": notifications, "realtime": realtime, "contact_form": contact_form,
    "listed_values": listed_values,
}


def check_criterion(served: Served, criterion: AcceptanceCriterion) -> None:
    resource = served.resources.get(criterion.entity) if criterion.entity else None
    CHECKERS[criterion.feature](served, resource)
