"""Data files shipped inside the package (YAML and JSON next to the code), read one way.

``importlib.resources`` rather than paths built from ``__file__``, so they are found wherever the
package is installed. Files outside the package (the corpus, a caller's own settings file, run
outputs) are not read here.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

__all__ = ["load_yaml", "read_text", "safe_load"]


def read_text(package: str, name: str) -> str:
    """The text of ``name``, a path relative to ``package``'s directory (``"data/slo.yaml"``).

    Not cached: callers that parse it their own way (the archetype model's JSON) cache the result.
    """
    return resources.files(package).joinpath(name).read_text(encoding="utf-8")


@cache
def load_yaml(package: str, name: str) -> Any:
    """``name`` parsed as safe YAML, once per process: package data does not change while it runs.
    Every caller gets the same object: validate it into a model or copy it, never mutate it."""
    return safe_load(read_text(package, name))


# libyaml's safe loader parses the package's data files 10x faster than PyYAML's pure-Python one
# (0.07 s against 0.74 s for all of them), and every run process and step loads them once; it builds
# the same objects. PyYAML's wheels bundle libyaml, the fallback covers a build without it.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """``yaml.safe_load`` through libyaml when PyYAML has it."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader, C or Python
