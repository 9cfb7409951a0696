#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine, only when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v chromium     >/dev/null 2>&1 || need+=(chromium)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v opusinfo     >/dev/null 2>&1 || need+=(opus-tools)
command -v ffprobe      >/dev/null 2>&1 || need+=(ffmpeg)
command -v sox          >/dev/null 2>&1 || need+=(sox)
command -v turnserver   >/dev/null 2>&1 || need+=(coturn)     # rtc.use_external_ip against a real STUN server
[ -x /bin/kill ] || [ -x /usr/bin/kill ] || need+=(procps)  # SigtermDrainTest stops s3proxy with kill -STOP
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q "${need[@]}"
  # coturn's package may start its system service (every interface, port 3478); the tests run their own on 127.0.0.1
  if [[ " ${need[*]} " == *" coturn "* ]] && command -v systemctl >/dev/null 2>&1; then
    $SUDO systemctl disable --now coturn >/dev/null 2>&1 || true
  fi
fi
if [ -f e2e/package.json ]; then
  if [ ! -d e2e/node_modules ] || [ e2e/package-lock.json -nt e2e/node_modules ]; then
    (cd e2e && npm ci --no-audit --no-fund)
  fi
fi
