#!/usr/bin/env bash
# Runs a command on another major version of Node.js, taken from the npm registry's `node`
# package (Node's own binaries, so no other download).
#
#   scripts/with-node.sh 24 npx jest --selectProjects unit e2e
#
# Nothing is rebuilt: on Node 22.14 and later heard loads better-sqlite3 13, whose Node-API
# binaries come prebuilt in its package and load on any such Node (libs/config/src/sqlite-driver.ts).
set -euo pipefail
cd "$(dirname "$0")/.."

major="${1:?usage: scripts/with-node.sh <major> <command...>}"
shift
dir="$PWD/.tools/node-$major"
if [ ! -x "$dir/node_modules/node/bin/node" ]; then
  echo "with-node.sh: fetching Node.js $major from the npm registry"
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "node@$major" >/dev/null
fi
bin="$dir/node_modules/node/bin"
echo "with-node.sh: running on Node $("$bin/node" --version)"
PATH="$bin:$PATH" "$@"
