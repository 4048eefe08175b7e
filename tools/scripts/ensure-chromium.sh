#!/usr/bin/env bash
# Installs Debian's chromium for the web UI's browser tests (apps/webui/test), and only when it is missing:
# playwright-core drives it at /usr/bin/chromium instead of downloading its own browser build.
# Safe to run any number of times; the web UI tests' jest globalSetup runs it.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "mesos-ts: /usr/bin/chromium is missing and apt-get is not available: install chromium" >&2
  exit 1
fi

echo "mesos-ts: installing chromium (Debian package chromium)..."
# Serialise concurrent runs (parallel test workers): the second waits for the first and then finds chromium.
exec 9>/tmp/mesos-ts-ensure-chromium.lock
if command -v flock >/dev/null 2>&1; then flock 9; fi
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
if [ ! -x /usr/bin/chromium ]; then
  echo "mesos-ts: apt-get installed chromium but /usr/bin/chromium is still missing" >&2
  exit 1
fi
echo "mesos-ts: chromium installed: $(/usr/bin/chromium --version 2>/dev/null || echo unknown version)"
