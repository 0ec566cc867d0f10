# grokorc user-code image: the project with its locked dependencies, serving its Dagster definitions
# over gRPC (`dagster api grpc`). The DockerRunLauncher starts every run as a container of this same
# image, and docker-compose.yml also runs the webserver and the daemon from it (one image to build).
#
# Python packages come from a wheelhouse prepared on the host from deploy/requirements.lock
# (scripts/stack.sh does it): the build needs no index, so it also works behind a firewall.
#
#   scripts/stack.sh build                      (base image, wheelhouse, every image)
#   docker build -t grokorc-user-code:0.1.0 .   (after `scripts/stack.sh wheelhouse`)
#
# BASE_IMAGE: any Debian 12 image. The default is the official Python image; scripts/stack.sh passes
# a Debian base it made with debootstrap when no registry is reachable (Debian's python3 is 3.11 too).
ARG BASE_IMAGE=python:3.11.11-slim-bookworm

FROM ${BASE_IMAGE} AS build
# The official Python image has venv; a bare Debian base needs Debian's python3.
RUN python3 -c "import venv, ensurepip" 2>/dev/null || { apt-get update \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 python3-venv \
      && rm -rf /var/lib/apt/lists/*; }
COPY .stack/wheelhouse /wheelhouse
COPY deploy/requirements.lock /tmp/requirements.lock
RUN python3 -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir --no-index --find-links /wheelhouse -r /tmp/requirements.lock
# Editable, as in a checkout: `grokorc` commands run in a container find the local instance template
# (dagster.yaml) next to the package. A code change rebuilds only these last layers.
WORKDIR /opt/grokorc
COPY pyproject.toml README.md dagster.yaml workspace.yaml ./
COPY grokorc_assets ./grokorc_assets
RUN /opt/venv/bin/pip install --no-cache-dir --no-index --find-links /wheelhouse --no-deps -e .

FROM ${BASE_IMAGE}
# chromium: visual_test (libatomic1: Playwright's bundled driver needs it); nodejs: the generated
# frontends' own tests (`node --test --experimental-test-coverage`, Node >= 18.15); bubblewrap +
# util-linux: the coverage sandbox; tini: signals reach Dagster's processes.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        chromium fonts-dejavu-core bubblewrap util-linux tini ca-certificates nodejs libatomic1 \
    && { python3 --version >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive \
         apt-get install -y --no-install-recommends python3; } \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /opt/venv /opt/venv
COPY --from=build /opt/grokorc /opt/grokorc

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    GROKORC_HOME=/var/lib/grokorc \
    DAGSTER_HOME=/opt/dagster/dagster_home \
    GROKORC_CHROMIUM=/usr/bin/chromium \
    XDG_RUNTIME_DIR=/tmp

# An unprivileged user for every process of the image (webserver, daemon, code server, runs). Named
# volumes mounted at GROKORC_HOME start with this directory's owner.
RUN useradd --uid 10001 --user-group --create-home --shell /usr/sbin/nologin grokorc \
    && mkdir -p ${GROKORC_HOME} ${DAGSTER_HOME} \
    && chown grokorc:grokorc ${GROKORC_HOME}
COPY deploy/dagster.yaml deploy/workspace.yaml ${DAGSTER_HOME}/
RUN python -c "import grokorc_assets.definitions"

USER grokorc
WORKDIR /home/grokorc
EXPOSE 4000
ENTRYPOINT ["tini", "--"]
CMD ["dagster", "api", "grpc", "--host", "0.0.0.0", "--port", "4000", \
     "--module-name", "grokorc_assets.definitions", "--location-name", "grokorc"]
