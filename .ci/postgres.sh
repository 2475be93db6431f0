#!/usr/bin/env bash
# Start Debian's PostgreSQL on loopback for the decision-log tests and export LEXGRAPH_TEST_PG_URL.
# Usage:  source .ci/postgres.sh      (exports the variable into the calling shell)
#    or:  eval "$(.ci/postgres.sh)"   (prints `export LEXGRAPH_TEST_PG_URL=…`)
# Needs root (apt-get, and su to the postgres user). Idempotent: safe to run twice.
set -euo pipefail

PG_DB="${LEXGRAPH_PG_DB:-lexgraph_test}"
PG_USER="${LEXGRAPH_PG_USER:-lexgraph}"
PG_PASSWORD="${LEXGRAPH_PG_PASSWORD:-lexgraph}"

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "installing postgresql (apt-get)…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >&2
  apt-get install -y postgresql >&2
fi

VERSION="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$VERSION main"; then
  pg_createcluster "$VERSION" main >&2
fi
PORT="$(pg_lsclusters -h | awk -v v="$VERSION" '$1==v && $2=="main" {print $3}')"
# Loopback only: the cluster must not listen on any other interface.
CONF_D="/etc/postgresql/$VERSION/main/conf.d"
mkdir -p "$CONF_D"
printf "listen_addresses = '127.0.0.1'\n" > "$CONF_D/lexgraph-loopback.conf"
if ! pg_lsclusters -h | awk -v v="$VERSION" '$1==v && $2=="main" {print $4}' | grep -q online; then
  pg_ctlcluster "$VERSION" main start >&2
fi
for _ in $(seq 1 30); do
  pg_isready -h 127.0.0.1 -p "$PORT" -q && break
  sleep 1
done
pg_isready -h 127.0.0.1 -p "$PORT" >&2

as_postgres() { su postgres -c "$*" ; }
if ! as_postgres "psql -p $PORT -tAc \"SELECT 1 FROM pg_roles WHERE rolname='$PG_USER'\"" | grep -q 1; then
  as_postgres "psql -p $PORT -q -c \"CREATE ROLE $PG_USER LOGIN PASSWORD '$PG_PASSWORD'\"" >&2
fi
if ! as_postgres "psql -p $PORT -tAc \"SELECT 1 FROM pg_database WHERE datname='$PG_DB'\"" | grep -q 1; then
  as_postgres "createdb -p $PORT -O $PG_USER $PG_DB" >&2
fi

LEXGRAPH_TEST_PG_URL="postgresql://$PG_USER:$PG_PASSWORD@127.0.0.1:$PORT/$PG_DB"
export LEXGRAPH_TEST_PG_URL
echo "export LEXGRAPH_TEST_PG_URL=$LEXGRAPH_TEST_PG_URL"
