#!/usr/bin/env bash
# Makes sure a redis-server binary is available for perf-cache's Redis-tier tests and benchmarks,
# installing the distribution package with apt-get when it is missing, and prints its path.
#
#   bash scripts/ensure-redis.sh          # prints e.g. /usr/bin/redis-server
#
# The tests start their own redis-server on a free loopback port (see RedisServerExtension); nothing
# here starts a server or enables a service. Needs root (or sudo) only when it has to install.
# Exit status: 0 when redis-server is on the PATH afterwards, non-zero otherwise.
set -euo pipefail

find_redis() {
  command -v redis-server 2>/dev/null && return 0
  # Debian/Ubuntu install it to /usr/bin; some images keep /usr/sbin off a non-root PATH.
  for p in /usr/bin/redis-server /usr/sbin/redis-server /usr/local/bin/redis-server; do
    if [ -x "$p" ]; then echo "$p"; return 0; fi
  done
  return 1
}

if path=$(find_redis); then
  echo "$path"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-redis: redis-server is missing and apt-get is not available; install Redis (>= 6) by hand" >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "ensure-redis: redis-server is missing and installing it needs root" >&2
    exit 1
  fi
fi

echo "ensure-redis: redis-server not found; installing it with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >&2
# policy-rc.d keeps the package's service from starting in containers without an init system;
# the tests run their own server instance anyway.
$SUDO apt-get install -y -q --no-install-recommends redis-server >&2

if path=$(find_redis); then
  echo "$path"
  exit 0
fi
echo "ensure-redis: apt-get install finished but redis-server is still not on the PATH" >&2
exit 1
