#!/usr/bin/env bash
# Installs the real senders the live-mode tests use, on Debian 12, as root:
# curl (events API and _bulk requests, gzip) and logger (bsdutils: syslog
# over UDP and TCP, RFC 3164 and 5424, octet counting), and the OpenAPI
# validator below. Idempotent and quiet.
set -euo pipefail
if ! command -v curl >/dev/null 2>&1 || ! command -v logger >/dev/null 2>&1; then
    echo "live.sh: installing curl and bsdutils"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends curl bsdutils ca-certificates >/dev/null
fi

# openapi-spec-validator (PyPI, in its own virtual environment, pinned)
# checks the OpenAPI document `serve` publishes (crates/cli/tests/serve.rs).
OPENAPI_VENV=${RMMGUARD_OPENAPI_VENV:-/opt/rmmguard/openapi-venv}
if [ ! -x "$OPENAPI_VENV/bin/openapi-spec-validator" ]; then
    echo "live.sh: installing openapi-spec-validator into $OPENAPI_VENV"
    command -v python3 >/dev/null 2>&1 && python3 -c 'import venv' 2>/dev/null || {
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null
        apt-get install -y -qq --no-install-recommends python3 python3-venv >/dev/null
    }
    python3 -m venv "$OPENAPI_VENV"
    "$OPENAPI_VENV/bin/pip" install -q openapi-spec-validator==0.7.1
fi
