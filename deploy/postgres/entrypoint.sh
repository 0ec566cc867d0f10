#!/bin/sh
# First start: initialise the cluster with the password from the environment (never a default), allow
# password logins from the compose network, create the database and the pgvector extension. Later
# starts: the data directory is kept as is. Then the server replaces this shell (signals reach it).
set -eu
: "${POSTGRES_USER:?set POSTGRES_USER}"
: "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"
: "${POSTGRES_DB:?set POSTGRES_DB}"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile=$(mktemp)
  printf '%s' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb --username="$POSTGRES_USER" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C -D "$PGDATA" >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  # Local socket only while creating the database: nothing can connect over TCP half-initialised.
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  psql -v ON_ERROR_STOP=1 --username="$POSTGRES_USER" -d postgres -q \
    -c "CREATE DATABASE \"$POSTGRES_DB\"" >/dev/null
  psql -v ON_ERROR_STOP=1 --username="$POSTGRES_USER" -d "$POSTGRES_DB" -q \
    -c "CREATE EXTENSION IF NOT EXISTS vector" >/dev/null
  # grokorc keeps its tables in the schema `grokorc`; Dagster's unqualified names (its own
  # alembic_version among them) must not resolve there when the role is also called grokorc
  # (Postgres searches "$user" first). Dagster's tables live in public.
  psql -v ON_ERROR_STOP=1 --username="$POSTGRES_USER" -d postgres -q \
    -c "ALTER DATABASE \"$POSTGRES_DB\" SET search_path TO public" >/dev/null
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  echo "grokorc-postgres: initialised $PGDATA"
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' -c max_connections=200
