#!/usr/bin/env bash
# `npm start`: install what is missing, build, and start a local cluster.
# A local cluster needs the master and agent to talk to each other, which
# arrives with issue #4; until then this builds everything and says how to
# run what exists.
set -euo pipefail
cd "$(dirname "$0")/../.."
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false

bash tools/scripts/ensure-deps.sh
npx nx run-many -t build --outputStyle=static
echo
echo "mesos-ts: libraries built: $(ls packages | sed 's/^/@mesos-ts\//' | tr '\n' ' ')"
if [ -f apps/master/dist/main.js ]; then
  echo "mesos-ts: the master runs on its own (flags, /health, /version, /flags, /metrics/snapshot):"
  echo "          node apps/master/dist/main.js --ip=127.0.0.1 --work_dir=.local/master"
fi
if [ -f apps/agent/dist/main.js ]; then
  echo "mesos-ts: the agent runs on its own (flags, resource detection, /health):"
  echo "          node apps/agent/dist/main.js --ip=127.0.0.1 --master=127.0.0.1:5050 --work_dir=.local/agent"
fi
echo "mesos-ts: agents do not register with the master yet (issue #4), so there is no local cluster to start."
echo "mesos-ts: try 'npm test' or 'npm run bench'."
