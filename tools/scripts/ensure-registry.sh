#!/usr/bin/env bash
# Installs Debian's Docker Registry v2 server (package docker-registry, binary /usr/bin/docker-registry) for the
# containerizer's provisioner tests, and only when it is missing. The tests start it themselves on a free port
# with their own config file and stop it by PID; the package's own service is never started (no systemd here).
# Safe to run any number of times, also from parallel test workers (a lock serialises the install).
set -euo pipefail

if [ -x /usr/bin/docker-registry ]; then
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "mesos-ts: /usr/bin/docker-registry is missing and apt-get is not available: install docker-registry" >&2
  exit 1
fi

exec 9>/tmp/mesos-ts-ensure-registry.lock
if command -v flock >/dev/null 2>&1; then flock 9; fi
if [ -x /usr/bin/docker-registry ]; then
  exit 0
fi
echo "mesos-ts: installing docker-registry (Debian package docker-registry)..." >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 $sudo apt-get install -y -qq --no-install-recommends docker-registry >/dev/null
if [ ! -x /usr/bin/docker-registry ]; then
  echo "mesos-ts: apt-get installed docker-registry but /usr/bin/docker-registry is still missing" >&2
  exit 1
fi
