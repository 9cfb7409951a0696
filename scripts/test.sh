#!/usr/bin/env bash
# Runs every test: installs missing test dependencies, then the whole Maven reactor (unit, integration,
# browser end-to-end tests; each test starts the real parts it needs on 127.0.0.1).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh
exec mvn -B verify "$@"
