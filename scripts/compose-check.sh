#!/usr/bin/env bash
# Validates docker-compose.yml (its schema, anchors, variables) for every profile, with
# docker-compose, which needs no Docker engine: Debian's package is installed when missing
# (as root).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v docker-compose >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get install -y -qq docker-compose >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq docker-compose >/dev/null; }
  else
    echo "compose-check: docker-compose is not installed (apt-get install docker-compose)" >&2
    exit 1
  fi
fi
for profile in '' infra kafka distributed esdb kurrentdb; do
  args=()
  [ -n "$profile" ] && args=(--profile "$profile")
  docker-compose "${args[@]}" config -q
  echo "compose-check: ${profile:-default} profile valid"
done
