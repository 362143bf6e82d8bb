#!/usr/bin/env bash
# Checks the dependency tree with cargo-deny (deny.toml): licences, banned and
# duplicate crates, and where crates come from. Advisories need the RustSec
# database from GitHub; they are checked when it can be fetched and reported
# as skipped otherwise (the CI machines reach only package registries).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo-deny >/dev/null 2>&1; then
    echo "deny.sh: cargo-deny is missing: scripts/deps/deny.sh installs it" >&2
    exit 2
fi
cargo deny --locked check licenses bans sources
if timeout 20 git ls-remote https://github.com/rustsec/advisory-db HEAD >/dev/null 2>&1; then
    cargo deny --locked check advisories
else
    echo "deny.sh: advisories not checked: the RustSec database (github.com) cannot be reached from here"
fi
