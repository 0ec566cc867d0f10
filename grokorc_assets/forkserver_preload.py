"""What the multiprocess executor's forkserver imports once, so each step process forks warm.

A step process builds a Dagster instance (Postgres storage) and grokorc's resources; without these
imports every step paid ~1.5 s of CPU re-importing them (measured: 288 modules, 1.46 s on an idle core).
"""

import dagster._core.instance.factory  # noqa: F401
import dagster._core.secrets.env_file  # noqa: F401
import dagster._core.storage.root  # noqa: F401
import dagster_postgres  # noqa: F401
import dotenv  # noqa: F401
import psycopg2.extras  # noqa: F401
import upath.implementations.local  # noqa: F401

import grokorc_assets.definitions  # noqa: F401
import grokorc_assets.instance  # noqa: F401
