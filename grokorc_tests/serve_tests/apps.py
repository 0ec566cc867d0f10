"""Hand-written stand-ins for a generated project: a small FastAPI backend that follows the serving
contract (UI at / and /pages/<slug>.html from APP_STATIC_DIR, API under /api, WebSockets under /ws),
plus endpoints that let a test look inside the sandbox."""

from __future__ import annotations

from pathlib import Path

APP = '''
import os
import socket
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request, WebSocket
from fastapi.responses import FileResponse

STATIC = Path(os.environ.get("APP_STATIC_DIR", "../frontend"))


def create_app():
    app = FastAPI()
    records = {}

    @app.get("/api/health")
    def health():
        return {"status": "ok"}

    @app.get("/api/env")
    def env():
        return dict(os.environ)

    @app.get("/api/connect")
    def connect(host: str, port: int):
        try:
            socket.create_connection((host, port), timeout=2).close()
            return {"connected": True, "error": ""}
        except OSError as exc:
            return {"connected": False, "error": f"{type(exc).__name__}: {exc}"}

    @app.get("/api/write")
    def write(path: str):
        try:
            Path(path).write_text("x")
            return {"written": True, "error": ""}
        except OSError as exc:
            return {"written": False, "error": f"{type(exc).__name__}: {exc}"}
AUTH_ROUTES
    @app.post("/api/{plural}", status_code=201)
    async def create(plural: str, request: Request):
        CHECK_TOKEN
        body = await request.json()
        items = records.setdefault(plural, [])
        items.append({"id": len(items) + 1, **body})
        return items[-1]

    @app.get("/api/{plural}")
    def list_records(plural: str):
        return records.get(plural, [])

    @app.websocket("/ws/echo")
    async def echo(ws: WebSocket):
        await ws.accept()
        while True:
            await ws.send_text("echo:" + await ws.receive_text())

    @app.get("/")
    def index():
        return FileResponse(STATIC / "index.html")

    @app.get("/pages/{name}")
    def page(name: str):
        if "/" in name or not (STATIC / "pages" / name).is_file():
            raise HTTPException(404)
        return FileResponse(STATIC / "pages" / name)

    return app


app = create_app()
'''

AUTH_ROUTES = '''
    users = {}
    tokens = set()

    @app.post("/api/auth/register", status_code=201)
    async def register(request: Request):
        body = await request.json()
        users[body["username"]] = body["password"]
        return {"username": body["username"]}

    @app.post("/api/auth/login")
    async def login(request: Request):
        body = await request.json()
        if users.get(body["username"]) != body["password"]:
            raise HTTPException(401)
        tokens.add("tok-" + body["username"])
        return {"access_token": "tok-" + body["username"], "token_type": "bearer"}
'''

CHECK_TOKEN = '''if request.headers.get("authorization", "").removeprefix("Bearer ") not in tokens:
            raise HTTPException(401)'''

INDEX = "<!doctype html><html lang='en'><head><title>Home</title></head><body><h1>Home</h1></body></html>"


def write_project(root: Path, *, auth: bool = False, main_py: str | None = None,
                  pages: dict[str, str] | None = None, index: str = INDEX) -> Path:
    """A project tree under ``root`` (created 0755: the sandbox uid must be able to read it)."""
    app = APP.replace("AUTH_ROUTES", AUTH_ROUTES if auth else "")
    app = app.replace("CHECK_TOKEN", CHECK_TOKEN if auth else "pass")
    (root / "backend" / "app").mkdir(parents=True)
    (root / "frontend" / "pages").mkdir(parents=True)
    root.chmod(0o755)
    (root / "backend" / "app" / "__init__.py").write_text("")
    (root / "backend" / "app" / "main.py").write_text(main_py if main_py is not None else app)
    (root / "frontend" / "index.html").write_text(index)
    for slug, html in (pages or {}).items():
        (root / "frontend" / "pages" / f"{slug}.html").write_text(html)
    return root
