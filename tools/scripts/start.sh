#!/usr/bin/env bash
# `npm start`: install what is missing, build, and start a local cluster.
# The master and agent daemons (apps/master, apps/agent) arrive with issue #4;
# until then this builds the libraries and says so.
set -euo pipefail
cd "$(dirname "$0")/../.."
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false

bash tools/scripts/ensure-deps.sh
npx nx run-many -t build --outputStyle=static
if [ -f apps/master/package.json ] && [ -f apps/agent/package.json ]; then
  exec node tools/scripts/local-cluster.mjs "$@"
fi
echo
echo "mesos-ts: libraries built: $(ls packages | sed 's/^/@mesos-ts\//' | tr '\n' ' ')"
echo "mesos-ts: there is no master or agent yet (issue #4), so no local cluster to start."
echo "mesos-ts: try 'npm test' or 'npm run bench'."
