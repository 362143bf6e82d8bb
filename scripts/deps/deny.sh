#!/usr/bin/env bash
# Installs cargo-deny (pinned; built from crates.io, the only registry CI
# reaches for Rust tools) for scripts/deny.sh. Idempotent: a second run
# installs nothing and prints one line.
set -euo pipefail
VERSION=0.20.2
if cargo deny --version 2>/dev/null | grep -q " $VERSION"; then
    echo "deny.sh: ready: cargo-deny $VERSION"
    exit 0
fi
echo "deny.sh: installing cargo-deny $VERSION (a few minutes on 2 cores)"
cargo install --quiet --locked cargo-deny --version "$VERSION"
