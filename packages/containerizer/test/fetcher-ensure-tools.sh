#!/usr/bin/env bash
# Installs what the fetcher needs beyond Node for tar.bz2 / tar.xz archives: the bzip2 and xz programs (Debian
# packages bzip2 and xz-utils). Only when missing; safe to run any number of times and from parallel test workers.
set -euo pipefail

missing() { ! command -v bzip2 >/dev/null 2>&1 || ! command -v xz >/dev/null 2>&1; }
missing || exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "mesos-ts: bzip2/xz are missing and apt-get is not available: install bzip2 and xz-utils" >&2
  exit 1
fi
exec 9>/tmp/mesos-ts-ensure-fetcher-tools.lock
if command -v flock >/dev/null 2>&1; then flock 9; fi
missing || exit 0
echo "mesos-ts: installing bzip2 and xz-utils..."
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends bzip2 xz-utils >/dev/null
if missing; then
  echo "mesos-ts: apt-get ran but bzip2 or xz is still missing" >&2
  exit 1
fi
