#!/usr/bin/env bash
# Installs what `shuangyong bench` measures against: the sqlite3 shell (the engine's raw import),
# and, for the HTTP figures, nginx and wrk. Debian's packages only; run as root.
set -euo pipefail
need=()
command -v sqlite3 >/dev/null || need+=(sqlite3)
command -v nginx >/dev/null || need+=(nginx)
command -v wrk >/dev/null || need+=(wrk)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
sqlite3 --version
