#!/usr/bin/env bash
# The production stack (docker-compose.yml) on this host, from nothing to healthy and back.
#
#   scripts/stack.sh up        engine (installed and started when missing), images, secrets, health
#   scripts/stack.sh down      stop everything, run containers included (--purge: delete the data too)
#   scripts/stack.sh build     only the base image, the wheelhouse and the service images
#   scripts/stack.sh engine    only the engine: installed and started when missing
#   scripts/stack.sh status    the services and their health
#   scripts/stack.sh test      the end-to-end tests against a stack they start (pytest -m stack)
#
# Images are built here, never pulled: a Debian 12 base made with debootstrap (unless GROKORC_BASE_IMAGE
# names one, e.g. python:3.11.11-slim-bookworm), Python packages from a wheelhouse built on the host from
# deploy/requirements.lock. Secrets are generated on the first `up` into .stack/secrets.env (mode 0600).
#
# Exit codes: 0 done; 2 usage; 10 no Docker engine; 11 a port is taken or given to two services; 12 a stale stack is in the way;
# 13 the stack did not become healthy (it is stopped again); 14 an image build failed.
#
# Settings (environment): GROKORC_BASE_IMAGE, GROKORC_DEBIAN_MIRROR (default: the host's apt mirror), GROKORC_PORT_{DAGSTER,POSTGRES,
# PROMETHEUS,PUSHGATEWAY,ALERTMANAGER,GRAFANA}, GROKORC_STACK_TIMEOUT (seconds, default 300),
# GROKORC_STACK_GRAFANA (auto|yes|no), GROKORC_STACK_NO_INSTALL=1 (never apt-get or start dockerd),
# GROKORC_ALERT_CRITICAL_WEBHOOK_URL / GROKORC_ALERT_WARNING_WEBHOOK_URL (Alertmanager receivers).
set -euo pipefail
cd "$(dirname "$0")/.."

PROJECT=grokorc
STATE=.stack
ENV_FILE="$STATE/stack.env"
SECRETS_ENV="$STATE/secrets.env"
BASE_TAG=grokorc-base:bookworm
GRAFANA_IMAGE=grafana/grafana:11.4.0
SERVICES=(postgres migrate user_code webserver daemon pushgateway prometheus alertmanager)
BUILT_SERVICES=(postgres user_code pushgateway)
declare -A PORTS=(
  [GROKORC_PORT_DAGSTER]=3000 [GROKORC_PORT_POSTGRES]=5432 [GROKORC_PORT_PROMETHEUS]=9090
  [GROKORC_PORT_PUSHGATEWAY]=9091 [GROKORC_PORT_ALERTMANAGER]=9093 [GROKORC_PORT_GRAFANA]=3001
)

say() { printf 'stack: %s\n' "$*" >&2; }
die() { local code=$1; shift; printf 'stack: error: %s\n' "$*" >&2; exit "$code"; }
now() { date +%s.%N; }
since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$(now)"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi
}

apt_install() {
  [ "${GROKORC_STACK_NO_INSTALL:-}" = 1 ] && return 1
  say "installing $*"
  as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

compose() {
  if [ "${COMPOSE_V2:-}" = 1 ]; then
    docker compose -p "$PROJECT" --env-file "$ENV_FILE" -f docker-compose.yml "$@"
  else
    docker-compose -p "$PROJECT" --env-file "$ENV_FILE" -f docker-compose.yml "$@"
  fi
}

# --- the engine -------------------------------------------------------------------------------------

ensure_engine() {
  local where=${DOCKER_HOST:-unix:///var/run/docker.sock}
  # A local engine needs dockerd here; a remote one (DOCKER_HOST) only the client.
  if ! command -v docker >/dev/null || { [ -z "${DOCKER_HOST:-}" ] && ! command -v dockerd >/dev/null; }; then
    apt_install docker.io || die 10 "no Docker engine at $where: install docker.io (Debian) or Docker Engine, then retry"
  fi
  if ! docker info >/dev/null 2>&1; then
    if [ -n "${DOCKER_HOST:-}" ] || [ "${GROKORC_STACK_NO_INSTALL:-}" = 1 ] || [ "$(id -u)" -ne 0 ]; then
      die 10 "no Docker engine answers at $where: start it (e.g. systemctl start docker), then retry"
    fi
    start_dockerd
  fi
  if docker compose version >/dev/null 2>&1; then
    COMPOSE_V2=1
  elif ! command -v docker-compose >/dev/null; then
    apt_install docker-compose || die 10 "no docker-compose: install it (Debian: docker-compose), then retry"
  fi
}

start_dockerd() {
  say "starting dockerd (log: $STATE/dockerd.log)"
  mkdir -p "$STATE"
  nohup dockerd >"$STATE/dockerd.log" 2>&1 &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  tail -5 "$STATE/dockerd.log" >&2 || true
  die 10 "dockerd did not answer within 30 s (log: $STATE/dockerd.log)"
}

# --- configuration ------------------------------------------------------------------------------------

token() { python3 -c "import secrets; print(secrets.token_urlsafe(24))"; }

ensure_secrets() {
  mkdir -p "$STATE/secrets"
  chmod 0700 "$STATE" "$STATE/secrets"
  if [ ! -s "$SECRETS_ENV" ]; then
    (umask 077 && printf 'POSTGRES_PASSWORD=%s\nGRAFANA_ADMIN_PASSWORD=%s\n' "$(token)" "$(token)" >"$SECRETS_ENV")
    say "generated the Postgres and Grafana passwords into $SECRETS_ENV"
  fi
  # Alertmanager reads each receiver's URL from a file. The directory is private on the host; the
  # files are readable so the container's unprivileged user can read its bind mount.
  local name var
  for name in critical warning; do
    var="GROKORC_ALERT_${name^^}_WEBHOOK_URL"
    if [ -n "${!var:-}" ]; then
      printf '%s' "${!var}" >"$STATE/secrets/${name}_webhook_url"
    elif [ ! -e "$STATE/secrets/${name}_webhook_url" ]; then
      : >"$STATE/secrets/${name}_webhook_url"
    fi
    chmod 0644 "$STATE/secrets/${name}_webhook_url"
  done
}

write_env_file() {
  local base=$1 gid
  gid=$(stat -c %g /var/run/docker.sock 2>/dev/null || echo 0)
  (umask 077 && {
    cat "$SECRETS_ENV"
    printf 'DOCKER_GID=%s\nGROKORC_BASE_IMAGE=%s\n' "$gid" "$base"
  } >"$ENV_FILE")
}

# --- images ---------------------------------------------------------------------------------------------

base_image() {
  if [ -n "${GROKORC_BASE_IMAGE:-}" ]; then echo "$GROKORC_BASE_IMAGE"; return; fi
  if ! docker image inspect "$BASE_TAG" >/dev/null 2>&1; then
    command -v debootstrap >/dev/null || apt_install debootstrap \
      || die 14 "no base image: install debootstrap or set GROKORC_BASE_IMAGE"
    local root t0
    root=$(mktemp -d /tmp/grokorc-base.XXXXXX)
    t0=$(now)
    say "building the Debian 12 base image $BASE_TAG with debootstrap"
    as_root debootstrap --variant=minbase bookworm "$root" "$(debian_mirror)" \
      >"$STATE/debootstrap.log" 2>&1 || die 14 "debootstrap failed (log: $STATE/debootstrap.log)"
    as_root tar -C "$root" -c . | docker import - "$BASE_TAG" >/dev/null
    as_root rm -rf "$root"
    say "base image built in $(since "$t0") s"
  fi
  echo "$BASE_TAG"
}

debian_mirror() {  # the host's own Debian mirror (a proxy or a local cache works for the images too)
  [ -n "${GROKORC_DEBIAN_MIRROR:-}" ] && { echo "$GROKORC_DEBIAN_MIRROR"; return; }
  local found
  found=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null \
    | grep -oE 'https?://[^ ]+/debian/?( |$)' | head -1 | tr -d ' ' || true)
  echo "${found:-http://deb.debian.org/debian}"
}

host_pip() {
  if [ -x .venv/bin/python ]; then .venv/bin/python -m pip "$@"; else python3 -m pip "$@"; fi
}

build_wheelhouse() {
  local stamp
  stamp=$(cat deploy/requirements.lock | sha256sum | cut -c1-16)
  [ "$(cat "$STATE/wheelhouse/.stamp" 2>/dev/null)" = "$stamp" ] && return 0
  say "building the wheelhouse from deploy/requirements.lock"
  rm -rf "$STATE/wheelhouse" && mkdir -p "$STATE/wheelhouse"
  # setuptools and wheel: the image installs grokorc itself (editable) without an index.
  host_pip wheel -q --disable-pip-version-check -r deploy/requirements.lock -w "$STATE/wheelhouse" \
    && host_pip download -q --disable-pip-version-check "setuptools==84.2.1" "wheel==0.48.0" -d "$STATE/wheelhouse" \
    || die 14 "could not build the wheelhouse (pip wheel -r deploy/requirements.lock)"
  echo "$stamp" >"$STATE/wheelhouse/.stamp"
}

inputs_digest() {  # everything an image is built from, and the base it is built on
  {
    docker image inspect -f '{{.Id}}' "$1"
    find Dockerfile .dockerignore pyproject.toml README.md dagster.yaml workspace.yaml deploy grokorc_assets \
      -type f ! -path '*/__pycache__/*' ! -name '*.pyc' -print0 | sort -z | xargs -0 sha256sum
    cat "$STATE/wheelhouse/.stamp"
  } | sha256sum | cut -c1-16
}

images_present() {
  local image
  for image in $(compose config 2>/dev/null | sed -n 's/^ *image: \(grokorc-.*\)$/\1/p' | sort -u); do
    docker image inspect "$image" >/dev/null 2>&1 || return 1
  done
}

build_images() {
  local t0 digest
  t0=$(now)
  build_wheelhouse
  # A rebuild from the layer cache still sends the context (the wheelhouse) once per image: skip it
  # when nothing an image is made from changed since the last build.
  digest=$(inputs_digest "$1")
  if [ "$(cat "$STATE/images.stamp" 2>/dev/null)" = "$digest" ] && images_present; then
    say "images up to date"
    return 0
  fi
  compose build -q "${BUILT_SERVICES[@]}" >"$STATE/build.log" 2>&1 \
    || { tail -20 "$STATE/build.log" >&2; die 14 "an image build failed (log: $STATE/build.log)"; }
  echo "$digest" >"$STATE/images.stamp"
  say "images built in $(since "$t0") s"
}

# --- checks before `up` --------------------------------------------------------------------------------

containers() {  # every container of the stack, run containers included
  { docker ps -aq --filter "label=com.docker.compose.project=$PROJECT"
    docker ps -aq --filter "label=org.grokorc.role=run-worker"; } | sort -u
}

unhealthy() {  # containers that are neither healthy nor (one-shot) exited 0
  local id state
  for id in $(docker ps -aq --filter "label=com.docker.compose.project=$PROJECT"); do
    state=$(docker inspect -f '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{.State.ExitCode}}' "$id")
    case "$state" in
      "running healthy "*|"exited none 0") ;;
      *) docker inspect -f "{{index .Config.Labels \"com.docker.compose.service\"}}: $state" "$id" ;;
    esac
  done
}

check_stale() {
  [ -z "$(containers)" ] && return 0
  if [ -z "$(unhealthy)" ]; then
    say "the stack is already up and healthy (scripts/stack.sh status)"
    exit 0
  fi
  unhealthy | sed 's/^/  /' >&2
  die 12 "a stale grokorc stack from an earlier run is in the way: run scripts/stack.sh down (data volumes are kept), then up"
}

check_ports() {
  local var port holder
  local -A owner=()
  for var in "${!PORTS[@]}"; do
    port=${!var:-${PORTS[$var]}}
    [ "$var" = GROKORC_PORT_GRAFANA ] && [ "$WITH_GRAFANA" != 1 ] && continue
    # Two services on one port: compose would start the first and fail on the second.
    [ -n "${owner[$port]:-}" ] && die 11 "port $port is given to both ${owner[$port]} and $var: give each service its own port"
    owner[$port]=$var
    if ! python3 -c "import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', int(sys.argv[1])))" "$port" 2>/dev/null; then
      holder=$(ss -ltnpH "sport = :$port" 2>/dev/null | grep -o 'users:(([^)]*' | head -1 | cut -c9- || true)
      die 11 "port $port on 127.0.0.1 is taken${holder:+ by $holder}: stop it, or move the service with $var=<port> scripts/stack.sh up"
    fi
  done
}

grafana_wanted() {
  case "${GROKORC_STACK_GRAFANA:-auto}" in
    no) return 1 ;;
    yes) return 0 ;;
  esac
  docker image inspect "$GRAFANA_IMAGE" >/dev/null 2>&1 && return 0
  timeout 30 docker pull -q "$GRAFANA_IMAGE" >/dev/null 2>&1 && return 0
  say "no $GRAFANA_IMAGE here and no registry to pull it from: starting without Grafana"
  say "(its provisioning and dashboards are in observability/grafana; GROKORC_STACK_GRAFANA=yes insists)"
  return 1
}

# --- up / down --------------------------------------------------------------------------------------------

wait_healthy() {
  local deadline=$(( $(date +%s) + ${GROKORC_STACK_TIMEOUT:-300} )) pending
  while :; do
    pending=$(unhealthy)
    # One-shot `migrate` shows as unhealthy until it exits 0; anything exited non-zero is a failure.
    if [ -z "$pending" ] && [ "$(compose ps -q | wc -l)" -ge "${#UP_SERVICES[@]}" ]; then return 0; fi
    if echo "$pending" | grep -qE 'exited none [1-9]|unhealthy'; then break; fi
    [ "$(date +%s)" -ge "$deadline" ] && break
    sleep 1
  done
  echo "$pending" | sed 's/^/  /' >&2
  local service
  for service in $(echo "$pending" | cut -d: -f1 | sort -u); do
    say "last lines of $service:"
    compose logs --tail 15 "$service" >&2 || true
  done
  return 1
}

up() {
  mkdir -p "$STATE"
  ensure_engine
  check_stale
  WITH_GRAFANA=0
  UP_SERVICES=("${SERVICES[@]}")
  if grafana_wanted; then WITH_GRAFANA=1; UP_SERVICES+=(grafana); fi
  check_ports
  ensure_secrets
  local base t0
  base=$(base_image)
  write_env_file "$base"
  build_images "$base"
  t0=$(now)
  compose up -d --no-build "${UP_SERVICES[@]}" >"$STATE/up.log" 2>&1 \
    || { tail -20 "$STATE/up.log" >&2; down >/dev/null 2>&1; die 13 "docker-compose up failed (log: $STATE/up.log); stopped again"; }
  if ! wait_healthy; then
    down >/dev/null 2>&1
    die 13 "the stack did not become healthy within ${GROKORC_STACK_TIMEOUT:-300} s; stopped again"
  fi
  say "up and healthy in $(since "$t0") s: Dagster http://127.0.0.1:${GROKORC_PORT_DAGSTER:-3000}" \
      "Prometheus :${GROKORC_PORT_PROMETHEUS:-9090} Alertmanager :${GROKORC_PORT_ALERTMANAGER:-9093}" \
      "Postgres :${GROKORC_PORT_POSTGRES:-5432}"
}

down() {
  local purge=() workers left
  [ "${1:-}" = --purge ] && purge=(--volumes)
  docker info >/dev/null 2>&1 || { say "no Docker engine running: nothing to stop"; return 0; }
  [ -f "$ENV_FILE" ] || { mkdir -p "$STATE"; : >"$ENV_FILE"; }
  workers=$(docker ps -aq --filter "label=org.grokorc.role=run-worker")
  # shellcheck disable=SC2086  # one id per word
  [ -n "$workers" ] && docker rm -f $workers >/dev/null
  # Variables the file needs to parse; their values do not matter to `down`.
  POSTGRES_PASSWORD=${POSTGRES_PASSWORD:-x} GRAFANA_ADMIN_PASSWORD=${GRAFANA_ADMIN_PASSWORD:-x} DOCKER_GID=${DOCKER_GID:-0} \
    compose down --remove-orphans "${purge[@]}" >"$STATE/down.log" 2>&1 \
    || { tail -20 "$STATE/down.log" >&2; die 13 "docker-compose down failed (log: $STATE/down.log)"; }
  # Whatever compose does not know as its own (a container left by a crashed run of an older file).
  left=$(containers)
  # shellcheck disable=SC2086
  [ -n "$left" ] && docker rm -f $left >/dev/null
  say "stopped${purge:+ and deleted the data volumes}"
}

case "${1:-}" in
  up) up ;;
  down) down "${2:-}" ;;
  build) mkdir -p "$STATE"; ensure_engine; ensure_secrets; base=$(base_image); write_env_file "$base"; build_images "$base" ;;
  engine) mkdir -p "$STATE"; ensure_engine; docker version --format 'stack: engine {{.Server.Version}} answers' >&2 ;;
  status) ensure_engine; compose ps ;;
  test) shift; exec .venv/bin/pytest -m stack -p no:cacheprovider grokorc_tests/stack_tests "$@" ;;
  *) echo "usage: scripts/stack.sh up|down [--purge]|build|engine|status|test" >&2; exit 2 ;;
esac
