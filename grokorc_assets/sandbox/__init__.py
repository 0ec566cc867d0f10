"""Generic sandboxed execution of untrusted commands (generated projects' tests).

See README.md in this package for what is and is not guaranteed.
"""

from grokorc_assets.sandbox.bwrap import bwrap_usable
from grokorc_assets.sandbox.config import Limits, SandboxResult
from grokorc_assets.sandbox.env import is_denied
from grokorc_assets.sandbox.runner import SandboxedProcess, run_sandboxed, start_sandboxed

__all__ = ["Limits", "SandboxResult", "SandboxedProcess", "bwrap_usable", "is_denied", "run_sandboxed",
           "start_sandboxed"]
