"""grokorc: natural-language project requests to delivered, tested projects.

Domain modules (planning, generation, visual, conflicts, coverage, pricing, storage) never import
Dagster; the Dagster layer lives in ``assets/``, ``checks/``, ``sensors/``, ``resources/`` and is
merged in ``definitions.py``.
"""
