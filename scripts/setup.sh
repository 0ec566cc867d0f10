#!/usr/bin/env bash
# One idempotent set-up for a fresh Debian 12 machine with Python 3.11 (run as root or with sudo):
# system packages (Chromium, bubblewrap, Prometheus, Pushgateway, Alertmanager, Node), a virtualenv
# in .venv with the locked dependencies, and grokorc itself in editable mode. Re-running it is cheap.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v prometheus-pushgateway >/dev/null 2>&1 || missing+=(prometheus-pushgateway)
command -v prometheus-alertmanager >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
python3.11 -c "import venv, ensurepip" >/dev/null 2>&1 || missing+=(python3.11-venv)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PYTHON="${PYTHON:-python3.11}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check "uv==0.13.9"
# Bytecode compiled now, not on first import: with PYTHONDONTWRITEBYTECODE set (as on these machines)
# Python never caches it, and every process (CLI, run worker, sandboxed test run) would compile Dagster
# and the rest from source again, seconds each. uv compiles what it installs; a venv made before this
# line has no bytecode yet, so it is compiled once here.
.venv/bin/uv pip install -q --python .venv/bin/python --compile-bytecode -r requirements.lock
.venv/bin/uv pip install -q --python .venv/bin/python --no-deps -e .
site_packages=$(.venv/bin/python -c "import sysconfig; print(sysconfig.get_path('purelib'))")
if [ -z "$(ls "$site_packages"/dagster/__pycache__ 2>/dev/null)" ]; then
  .venv/bin/python -m compileall -q -j 0 "$site_packages" >/dev/null 2>&1 || true
fi
.venv/bin/python -m compileall -q -j 0 grokorc_assets >/dev/null
echo "setup: done (.venv ready; chromium at $(command -v chromium))"
