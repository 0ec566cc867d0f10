"""Run many `grokorc` command lines in one process, each through the real ``grokorc_assets.cli.main``.

    python cli_driver.py JOBS.json RESULTS.json

A job is ``{"id": ..., "argv": [arg, ...], "stdin": base64 | null}`` where each arg is ``{"s": text}``
(any Python string, as a Python caller could pass) or ``{"b": base64}`` (raw bytes, decoded with the
file-system encoding and ``surrogateescape`` exactly as the interpreter decodes a real argv).
Each result holds the exit code, stdout, stderr and, if ``main`` raised anything but SystemExit,
the traceback (a crash). One interpreter start for hundreds of cases keeps the suite fast.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import sys
import traceback


def _arg(spec: dict) -> str:
    return spec["s"] if "s" in spec else os.fsdecode(base64.b64decode(spec["b"]))


def run(job: dict) -> dict:
    from grokorc_assets.cli import main

    argv = ["grokorc", *(_arg(a) for a in job["argv"])]
    stdin = io.TextIOWrapper(io.BytesIO(base64.b64decode(job.get("stdin") or "")), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code, crash = None, None
    saved = sys.argv, sys.stdin
    sys.argv, sys.stdin = argv, stdin
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001 - the point is to report it
        crash = traceback.format_exc()
    finally:
        sys.argv, sys.stdin = saved
    return {"id": job["id"], "code": code, "stdout": out.getvalue(), "stderr": err.getvalue(), "crash": crash}


def main() -> None:
    jobs_path, results_path = sys.argv[1], sys.argv[2]
    with open(jobs_path, encoding="utf-8") as fh:
        jobs = json.load(fh)
    results = [run(job) for job in jobs]
    with open(results_path, "w", encoding="utf-8") as fh:
        json.dump(results, fh)


if __name__ == "__main__":
    main()
