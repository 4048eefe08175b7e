#!/usr/bin/env bash
# Makes a statically linked busybox available at /bin/busybox (Debian's busybox-static): the linux launcher runs
# the steps after pivot_root under it (packages/containerizer/src/launcher/rootfs.ts), for containers and for
# command tasks with an image. Installs the package only when /bin/busybox is missing or not static. Safe to run
# any number of times and in parallel (a lock serialises the runs). Needs root.
set -euo pipefail

static() { [ -x /bin/busybox ] && ! LC_ALL=C readelf -l /bin/busybox 2>/dev/null | grep -q 'INTERP'; }

if static; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "mesos-ts: ensure-busybox.sh needs root to install busybox-static" >&2
  exit 1
fi

exec 9>/tmp/mesos-ts-ensure-busybox.lock
if command -v flock >/dev/null 2>&1; then flock 9; fi
if static; then exit 0; fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "mesos-ts: /bin/busybox is missing and apt-get is not available: install a static busybox at /bin/busybox" >&2
  exit 1
fi
echo "mesos-ts: installing busybox-static..." >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends busybox-static >/dev/null
static || { echo "mesos-ts: busybox-static is installed but /bin/busybox is not a static executable" >&2; exit 1; }
