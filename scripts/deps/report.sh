#!/usr/bin/env bash
# Installs what the HTML report test needs, on Debian 12, as root: Chromium,
# run headless by crates/cli/tests/report.rs to load the report offline,
# collect console errors and network requests, and take a screenshot.
# Idempotent and quiet.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
echo "report.sh: installing chromium"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
