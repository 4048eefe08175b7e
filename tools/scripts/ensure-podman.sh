#!/usr/bin/env bash
# Makes podman usable as the Docker-compatible engine the Docker containerizer's tests talk to
# (packages/containerizer/test/docker-*.test.ts), as shared/PLATFORM.md §4 describes:
#   1. installs Debian's podman (with crun, conmon, CNI plugins) when it is missing;
#   2. lowers podman's default rlimits in /etc/containers/containers.conf: these machines lack CAP_SYS_RESOURCE,
#      so crun cannot raise RLIMIT_NOFILE/RLIMIT_NPROC to podman's defaults and every container fails to start;
#   3. mounts the hugetlb controller as cgroup v1 at /sys/fs/cgroup/hugetlb when cgroup v2 still holds it: crun
#      refuses "hybrid mode" (v1 controllers plus a v2 hierarchy with controllers). Only on hosts whose v1
#      controllers are mounted and whose v2 mount at /sys/fs/cgroup/unified lists hugetlb; a pure v2 host is left alone.
#      Undo by hand: `umount /sys/fs/cgroup/hugetlb; rmdir /sys/fs/cgroup/hugetlb`.
# Starts nothing (the tests start `podman system service` themselves). Safe to run any number of times and in
# parallel (a lock serialises the runs). Needs root.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "mesos-ts: ensure-podman.sh needs root (podman runs rootful here)" >&2
  exit 1
fi

exec 9>/tmp/mesos-ts-ensure-podman.lock
if command -v flock >/dev/null 2>&1; then flock 9; fi

# 1. The package.
if ! command -v podman >/dev/null 2>&1; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "mesos-ts: podman is missing and apt-get is not available: install podman" >&2
    exit 1
  fi
  echo "mesos-ts: installing podman (Debian package podman)..." >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends podman crun conmon \
    containernetworking-plugins >/dev/null
  command -v podman >/dev/null 2>&1 || { echo "mesos-ts: apt-get installed podman but it is not on PATH" >&2; exit 1; }
  echo "mesos-ts: $(podman --version)" >&2
fi

# 2. Default ulimits podman can set without CAP_SYS_RESOURCE. Only written when containers.conf does not set
#    default_ulimits already (an operator's choice wins).
conf=/etc/containers/containers.conf
mkdir -p /etc/containers
if ! grep -qs '^[[:space:]]*default_ulimits' "$conf"; then
  if grep -qs '^\[containers\]' "$conf"; then
    # Add the key right below the existing [containers] table header.
    sed -i '/^\[containers\]/a default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]  # mesos-ts: no CAP_SYS_RESOURCE here' "$conf"
  else
    printf '\n[containers]\n# mesos-ts (tools/scripts/ensure-podman.sh): this host lacks CAP_SYS_RESOURCE, so podman must not raise rlimits.\ndefault_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]\n' >>"$conf"
  fi
fi

# 3. crun's hybrid-mode refusal: move hugetlb off cgroup v2 when v1 controllers are in use.
v2=/sys/fs/cgroup/unified
if [ -d /sys/fs/cgroup/memory ] && [ -r "$v2/cgroup.controllers" ] && grep -qw hugetlb "$v2/cgroup.controllers"; then
  if ! mountpoint -q /sys/fs/cgroup/hugetlb; then
    mkdir -p /sys/fs/cgroup/hugetlb
    mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb
    echo "mesos-ts: mounted the hugetlb cgroup controller as v1 at /sys/fs/cgroup/hugetlb (crun hybrid mode)" >&2
  fi
fi
exit 0
