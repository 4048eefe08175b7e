#!/usr/bin/env bash
# `npm start`: install what is missing, build everything, then run a local cluster (one master, one agent on
# 127.0.0.1) until Ctrl-C. Ports, directories and timeouts: see tools/scripts/local-cluster.mjs.
set -euo pipefail
cd "$(dirname "$0")/../.."
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false

bash tools/scripts/ensure-deps.sh
npx nx run-many -t build --outputStyle=static
echo
# exec: the cluster script gets Ctrl-C and SIGTERM directly and stops the daemons itself.
exec node tools/scripts/local-cluster.mjs
