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

__all__ = ["load_yaml", "read_text"]


def read_text(package: str, name: str) -> str:
    """The text of ``name``, a path relative to ``package``'s directory (``"data/slo.yaml"``).

    Not cached: callers that parse it their own way (the archetype model's JSON) cache the result.
    """
    return resources.files(package).joinpath(name).read_text(encoding="utf-8")


@cache
def load_yaml(package: str, name: str) -> Any:
    """``name`` parsed with ``yaml.safe_load``, once per process: package data does not change while
    it runs. Every caller gets the same object: validate it into a model or copy it, never mutate it."""
    return yaml.safe_load(read_text(package, name))
