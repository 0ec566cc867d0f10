"""Serving generated projects: a sandboxed uvicorn behind a loopback proxy, and sample data for it.

Plain Python (no Dagster): used by the ``visual_test`` asset and by ``grokorc preview``.
"""

from grokorc_assets.serve.proxy import PortInUseError, UnixSocketProxy
from grokorc_assets.serve.server import (
    ServedApp,
    ServeError,
    ServeSettings,
    backend_dir,
    served_project,
    start_served,
)

__all__ = ["PortInUseError", "ServeError", "ServeSettings", "ServedApp", "UnixSocketProxy", "backend_dir",
           "served_project", "start_served"]
