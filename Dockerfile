# syntax=docker/dockerfile:1
# grokorc user-code image: the project with its locked dependencies, serving its Dagster definitions
# over gRPC (`dagster api grpc`). The DockerRunLauncher starts every run as a container of this same
# image, and docker-compose.yml also runs the webserver and the daemon from it (one image to build).
#
#   docker build -t grokorc-user-code:0.1.0 .      (docker compose build does this)

# Node 20 for the generated frontends' own tests (`node --test --experimental-test-coverage`);
# Debian 12's nodejs is 18.
FROM node:20.18.1-bookworm-slim AS node

FROM python:3.11.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    GROKORC_HOME=/var/lib/grokorc \
    DAGSTER_HOME=/opt/dagster/dagster_home \
    GROKORC_CHROMIUM=/usr/bin/chromium

# chromium: visual_test; bubblewrap + util-linux (setpriv): the coverage sandbox; tini: signals.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        chromium fonts-dejavu-core bubblewrap util-linux tini ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=node /usr/local/bin/node /usr/local/bin/node

WORKDIR /opt/grokorc
# Dependencies first (the lock changes rarely): a code change rebuilds only the last layers.
COPY requirements.lock ./
RUN pip install --no-cache-dir "uv==0.13.9" \
    && uv pip install --system --no-cache -r requirements.lock

COPY pyproject.toml README.md dagster.yaml workspace.yaml ./
COPY grokorc_assets ./grokorc_assets
# Editable: grokorc finds its local instance template (dagster.yaml) next to the package, as in a
# checkout, for `grokorc` commands run inside the container.
RUN uv pip install --system --no-cache --no-deps -e . \
    && python -c "import grokorc_assets.definitions"

COPY deploy/dagster.yaml deploy/workspace.yaml ${DAGSTER_HOME}/
RUN mkdir -p ${GROKORC_HOME}

EXPOSE 4000
ENTRYPOINT ["tini", "--"]
CMD ["dagster", "api", "grpc", "--host", "0.0.0.0", "--port", "4000", \
     "--module-name", "grokorc_assets.definitions", "--location-name", "grokorc"]
