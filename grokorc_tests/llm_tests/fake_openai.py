"""A loopback server that speaks the OpenAI HTTP protocol, driven by a script of behaviours.

    with FakeOpenAIServer() as fake:
        fake.enqueue_chat(Behaviour.rate_limited(retry_after=0), Behaviour.ok({"a": 1}, cost=0.002))
        client = OpenAI(base_url=fake.base_url, api_key="k")   # http://127.0.0.1:<port>/v1
        ...
        assert fake.chat_count == 2
        assert fake.requests[0].headers["authorization"] == "Bearer k"

Chat completions take the next scripted behaviour, or the ``always`` behaviour once the queue is
empty, or answer 500 "no scripted behaviour" so a missing script shows up as a failure.
Embeddings default to deterministic vectors (sha256 of each input) unless behaviours are queued.
Every request (path, lower-cased headers, JSON body) is recorded before it is answered.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CHAT_PATH = "/v1/chat/completions"
EMBEDDINGS_PATH = "/v1/embeddings"


@dataclass(frozen=True)
class Behaviour:
    """How to answer one request. Build with the class methods, not the constructor."""

    status: int = 200
    content: str | None = None  # chat: the assistant message content
    body: Any = None  # raw JSON body to send instead of a built completion
    prompt_tokens: int = 10
    completion_tokens: int = 5
    cost: float | None = None  # OpenRouter-style usage.cost
    include_usage: bool = True
    model: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0  # answer only after this long (beyond the client's timeout = a timeout)
    embedding_dim: int = 8

    @classmethod
    def ok(cls, content: Any, *, prompt_tokens: int = 10, completion_tokens: int = 5,
           cost: float | None = None, include_usage: bool = True, model: str | None = None) -> Behaviour:
        """200 with a chat completion; ``content`` is sent as-is if a str, else JSON-encoded."""
        text = content if isinstance(content, str) else json.dumps(content)
        return cls(content=text, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens,
                   cost=cost, include_usage=include_usage, model=model)

    @classmethod
    def malformed_json(cls, content: str = '{"archetype": "dashboard", ') -> Behaviour:
        """200 whose message content is not JSON at all."""
        return cls(content=content)

    @classmethod
    def wrong_schema(cls, obj: Any | None = None) -> Behaviour:
        """200 whose message content is valid JSON of the wrong shape."""
        return cls(content=json.dumps(obj if obj is not None else {"unexpected": True}))

    @classmethod
    def rate_limited(cls, retry_after: float | str | None = None) -> Behaviour:
        headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
        return cls(status=429, headers=headers,
                   body={"error": {"message": "Rate limit exceeded", "type": "rate_limit_error"}})

    @classmethod
    def server_error(cls, status: int = 500) -> Behaviour:
        message = f"upstream failure {status}"
        return cls(status=status, body={"error": {"message": message, "type": "server_error"}})

    @classmethod
    def error(cls, status: int, body: Any = None) -> Behaviour:
        """Any status with any JSON body (e.g. 401, or a body echoing a credential)."""
        return cls(status=status, body=body if body is not None else {"error": {"message": f"HTTP {status}"}})

    @classmethod
    def slow(cls, delay_s: float, then: Behaviour | None = None) -> Behaviour:
        """Wait ``delay_s`` before answering like ``then`` (default: an ok completion)."""
        base = then or cls.ok({"late": True})
        return cls(**{**base.__dict__, "delay_s": delay_s})

    @classmethod
    def embeddings(cls, dim: int = 8, prompt_tokens: int = 4) -> Behaviour:
        return cls(embedding_dim=dim, prompt_tokens=prompt_tokens)


@dataclass(frozen=True)
class ReceivedRequest:
    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    body: Any  # parsed JSON, or the raw text when not JSON


def fake_embedding(text: str, dim: int) -> list[float]:
    """Deterministic unit-ish vector from the text, so similar tests get stable neighbours."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    raw = [(digest[i % len(digest)] / 255.0) * 2 - 1 for i in range(dim)]
    norm = sum(v * v for v in raw) ** 0.5 or 1.0
    return [v / norm for v in raw]


class FakeOpenAIServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._host = host
        self._port = port  # 0: a free port
        self._lock = threading.Lock()
        self._chat: deque[Behaviour] = deque()
        self._embeddings: deque[Behaviour] = deque()
        self._always: Behaviour | None = None
        self._router: Callable[[Any], Behaviour | None] | None = None
        self._requests: list[ReceivedRequest] = []
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> FakeOpenAIServer:
        handler = _make_handler(self)
        self._httpd = ThreadingHTTPServer((self._host, self._port), handler)
        self._httpd.daemon_threads = True
        # A short poll interval keeps stop() (and so each test's teardown) fast.
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02},
                                        name="fake-openai", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # releases slow handlers at once
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://{self._host}:{self.port}/v1"

    # -- scripting ---------------------------------------------------------------------------
    def enqueue_chat(self, *behaviours: Behaviour) -> None:
        with self._lock:
            self._chat.extend(behaviours)

    def enqueue_embeddings(self, *behaviours: Behaviour) -> None:
        with self._lock:
            self._embeddings.extend(behaviours)

    def always(self, behaviour: Behaviour | None) -> None:
        """Chat behaviour once the queue is empty (None: answer 500 'no scripted behaviour')."""
        with self._lock:
            self._always = behaviour

    def route(self, router: Callable[[Any], Behaviour | None] | None) -> None:
        """Answer chat requests by content: ``router(request_body)`` picks the behaviour (None: fall back
        to the queue). For callers whose requests arrive in no fixed order (parallel Dagster steps)."""
        with self._lock:
            self._router = router

    def reset(self) -> None:
        with self._lock:
            self._chat.clear()
            self._embeddings.clear()
            self._always = None
            self._requests.clear()

    # -- inspection --------------------------------------------------------------------------
    @property
    def requests(self) -> list[ReceivedRequest]:
        with self._lock:
            return list(self._requests)

    @property
    def chat_requests(self) -> list[ReceivedRequest]:
        return [r for r in self.requests if r.path == CHAT_PATH]

    @property
    def chat_count(self) -> int:
        return len(self.chat_requests)

    @property
    def pending(self) -> int:
        """Chat behaviours not yet consumed."""
        with self._lock:
            return len(self._chat)

    # -- used by the handler -----------------------------------------------------------------
    def _record(self, request: ReceivedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _next(self, path: str, body: Any = None) -> Behaviour | None:
        with self._lock:
            if path == CHAT_PATH and self._router is not None:
                routed = self._router(body)
                if routed is not None:
                    return routed
            if path == CHAT_PATH:
                return self._chat.popleft() if self._chat else self._always
            return self._embeddings.popleft() if self._embeddings else Behaviour.embeddings()

    def _wait(self, seconds: float) -> None:
        self._stopping.wait(seconds)


def _chat_body(b: Behaviour, request_body: Any) -> dict[str, Any]:
    model = b.model or (request_body.get("model") if isinstance(request_body, dict) else None) or "fake-model"
    body: dict[str, Any] = {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": b.content}}],
    }
    if b.include_usage:
        usage: dict[str, Any] = {"prompt_tokens": b.prompt_tokens, "completion_tokens": b.completion_tokens,
                                 "total_tokens": b.prompt_tokens + b.completion_tokens}
        if b.cost is not None:
            usage["cost"] = b.cost
        body["usage"] = usage
    return body


def _embeddings_body(b: Behaviour, request_body: Any) -> dict[str, Any]:
    inputs = request_body.get("input", []) if isinstance(request_body, dict) else []
    inputs = [inputs] if isinstance(inputs, str) else list(inputs)
    tokens = b.prompt_tokens * len(inputs)
    return {
        "object": "list",
        "model": (request_body.get("model") if isinstance(request_body, dict) else None) or "fake-embed",
        "data": [{"object": "embedding", "index": i, "embedding": fake_embedding(str(t), b.embedding_dim)}
                 for i, t in enumerate(inputs)],
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }


def _make_handler(server: FakeOpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            pass

        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode("utf-8", "replace")
            try:
                body: Any = json.loads(raw)
            except ValueError:
                body = raw
            path = self.path.split("?")[0]
            headers = {k.lower(): v for k, v in self.headers.items()}
            server._record(ReceivedRequest("POST", path, headers, body))
            if path not in (CHAT_PATH, EMBEDDINGS_PATH):
                return self._send(404, {"error": {"message": f"no route {path}"}}, {})
            behaviour = server._next(path, body)
            if behaviour is None:
                return self._send(500, {"error": {"message": "fake server: no scripted behaviour"}}, {})
            if behaviour.delay_s:
                server._wait(behaviour.delay_s)
            if behaviour.body is not None or behaviour.status != 200:
                return self._send(behaviour.status, behaviour.body, behaviour.headers)
            built = _chat_body(behaviour, body) if path == CHAT_PATH else _embeddings_body(behaviour, body)
            return self._send(200, built, behaviour.headers)

        def _send(self, status: int, body: Any, headers: dict[str, str]) -> None:
            data = json.dumps(body).encode("utf-8")
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (its timeout): nothing to answer

    return Handler
