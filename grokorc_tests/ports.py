"""Free loopback ports for the servers tests start (one helper for every test package)."""

import socket
from contextlib import ExitStack

LOOPBACK = "127.0.0.1"


def free_ports(count: int) -> list[int]:
    """``count`` distinct TCP ports on 127.0.0.1 that were free a moment ago.

    Every socket stays bound until all are chosen: the kernel may hand out a port it just released, and
    two services given one port fail to start (a compose stack's second publisher gets "port is already
    allocated")."""
    with ExitStack() as sockets:
        ports = []
        for _ in range(count):
            sock = sockets.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            sock.bind((LOOPBACK, 0))
            ports.append(sock.getsockname()[1])
        return ports


def free_port() -> int:
    """One TCP port on 127.0.0.1 that was free a moment ago."""
    (port,) = free_ports(1)
    return port
