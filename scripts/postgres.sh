#!/usr/bin/env bash
# PostgreSQL for the tests: makes sure a server answers on $PGHOST:$PGPORT (starts the local
# cluster, or installs Debian's postgresql when there is none), then makes a fresh database.
#
#   scripts/postgres.sh ensure       start a server if none answers; print nothing
#   scripts/postgres.sh createdb     ensure, make a fresh database heard_test_<random>, print its URL
#   scripts/postgres.sh dropdb NAME  drop a database made by createdb
set -euo pipefail

PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
export PGHOST PGPORT PGUSER

answers() { pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; }

start_local() {
  local version
  version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1 || true)"
  [ -n "$version" ] || return 1
  pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 || true
}

ensure() {
  command -v pg_isready >/dev/null && answers && return
  if ! command -v pg_ctlcluster >/dev/null || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
    echo "postgres.sh: no PostgreSQL here; installing Debian's postgresql" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2
  fi
  start_local
  for _ in $(seq 1 30); do answers && return; sleep 1; done
  echo "postgres.sh: no PostgreSQL answers on $PGHOST:$PGPORT" >&2
  exit 1
}

case "${1:-}" in
  ensure) ensure ;;
  createdb)
    ensure
    name="heard_test_$(date +%s)_$RANDOM"
    psql -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $name" >&2
    echo "postgres://$PGUSER@$PGHOST:$PGPORT/$name"
    ;;
  dropdb)
    [[ "${2:-}" =~ ^heard_test_[0-9_]+$ ]] || { echo "postgres.sh: not a test database: ${2:-}" >&2; exit 1; }
    psql -q -d postgres -c "DROP DATABASE IF EXISTS $2 WITH (FORCE)" >&2
    ;;
  *) echo "usage: scripts/postgres.sh ensure | createdb | dropdb NAME" >&2; exit 2 ;;
esac
