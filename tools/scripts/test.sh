#!/usr/bin/env bash
# `npm test`: install what is missing, build every package, type-check the
# whole tree, then run every package's tests through nx (cached by inputs).
# Ends with one line "tests: N passed, N failed" summed over all packages.
set -euo pipefail
cd "$(dirname "$0")/../.."
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false

bash tools/scripts/ensure-deps.sh
npx nx run-many -t build --outputStyle=static
npx tsc -b tsconfig.json
echo "mesos-ts: type-check passed"
status=0
# One project at a time: many suites start real masters, agents, containers, podman and Chromium, and three of
# them at once overload a 2-core machine until daemons miss their timeouts.
npx nx run-many -t test --outputStyle=static --parallel=1 || status=$?
node tools/scripts/test-summary.mjs || status=1
exit $status
