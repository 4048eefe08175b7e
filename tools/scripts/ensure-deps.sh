#!/usr/bin/env bash
# Installs what building and testing mesos-ts needs, and only what is missing:
# the npm packages (npm install; `npm ci` rejects a lockfile that records only
# this platform's optional native packages) and Debian's protoc, which the
# generated-code check uses. Safe to run any number of times.
set -euo pipefail
cd "$(dirname "$0")/../.."

stamp=node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ -n "$(find . -name package.json -not -path './node_modules/*' -newer "$stamp" -print -quit)" ] || [ package-lock.json -nt "$stamp" ]; then
  echo "mesos-ts: installing npm packages..."
  npm install --no-audit --no-fund --loglevel=error
fi

if ! command -v protoc >/dev/null 2>&1; then
  echo "mesos-ts: installing protoc (Debian package protobuf-compiler)..."
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if command -v apt-get >/dev/null 2>&1; then
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends protobuf-compiler >/dev/null
  else
    echo "mesos-ts: protoc is missing and apt-get is not available: install protoc 3.x" >&2
    exit 1
  fi
fi
