#!/usr/bin/env bash
# Installs the real senders the live-mode tests use, on Debian 12, as root:
# curl (events API and _bulk requests, gzip) and logger (bsdutils: syslog
# over UDP and TCP, RFC 3164 and 5424, octet counting). Idempotent and quiet.
set -euo pipefail
if command -v curl >/dev/null 2>&1 && command -v logger >/dev/null 2>&1; then
    exit 0
fi
echo "live.sh: installing curl and bsdutils"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends curl bsdutils ca-certificates >/dev/null
