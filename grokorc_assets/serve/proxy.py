"""A loopback TCP port forwarded byte for byte to a Unix socket.

The sandboxed server has no network at all (its own empty net namespace), so it listens on a Unix
socket in its scratch directory, which the host can reach through the filesystem. This proxy gives
browsers and HTTP clients an ordinary ``http://127.0.0.1:PORT``. It copies bytes without parsing
them, so plain HTTP, keep-alive and WebSocket upgrades all pass through unchanged.
"""

from __future__ import annotations

import errno
import logging
import socket
import threading
from pathlib import Path

log = logging.getLogger(__name__)

_CHUNK = 64 * 1024
_BACKLOG = 128


class PortInUseError(OSError):
    """The requested loopback port is taken by another process."""


class UnixSocketProxy:
    """Listens on 127.0.0.1:``port`` (0 = any free port); one pair of pump threads per connection."""

    def __init__(self, target: Path, port: int = 0) -> None:
        self.target = Path(target)
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # SO_REUSEADDR only skips TIME_WAIT leftovers; a port another process listens on still fails.
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self._listener.bind(("127.0.0.1", port))
        except OSError as exc:
            self._listener.close()
            if exc.errno == errno.EADDRINUSE:
                raise PortInUseError(exc.errno, f"port {port} on 127.0.0.1 is already in use") from exc
            raise
        self._listener.listen(_BACKLOG)
        self.port: int = self._listener.getsockname()[1]
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._acceptor = threading.Thread(target=self._accept_loop, name="grokorc-serve-accept", daemon=True)
        self._acceptor.start()

    def close(self) -> None:
        """Stop accepting and cut every open connection (idempotent)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            victims = list(self._open)
        # shutdown() wakes a thread blocked in accept()/recv() on Linux; close() alone does not.
        for sock in [self._listener, *victims]:
            _shutdown(sock)
            sock.close()
        self._acceptor.join(timeout=5)

    def _accept_loop(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # closed
            threading.Thread(target=self._serve, args=(client,), name="grokorc-serve-conn", daemon=True).start()

    def _track(self, *socks: socket.socket) -> bool:
        with self._lock:
            if self._closed:
                return False
            self._open.update(socks)
            return True

    def _forget(self, *socks: socket.socket) -> None:
        with self._lock:
            self._open.difference_update(socks)
        for sock in socks:
            sock.close()

    def _serve(self, client: socket.socket) -> None:
        upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            upstream.connect(str(self.target))
        except OSError as exc:
            log.debug("upstream %s not reachable: %s", self.target, exc)
            upstream.close()
            client.close()
            return
        if not self._track(client, upstream):
            upstream.close()
            client.close()
            return
        back = threading.Thread(target=_pump, args=(upstream, client), name="grokorc-serve-pump", daemon=True)
        back.start()
        _pump(client, upstream)
        back.join()
        self._forget(client, upstream)


def _pump(src: socket.socket, dst: socket.socket) -> None:
    """Copy until EOF, then half-close ``dst`` so the other side sees the end of this direction."""
    try:
        while data := src.recv(_CHUNK):
            dst.sendall(data)
    except OSError:
        pass  # reset or closed by close(): the other direction notices on its own
    finally:
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
