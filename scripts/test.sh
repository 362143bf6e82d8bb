#!/usr/bin/env bash
# The test command: installs what the tests need (Debian packages, Python
# tools and cargo-deny, via scripts/deps/*.sh, when run as root), then checks
# formatting, lints and the dependency tree (deny.toml), and runs every test
# of the workspace.
#
# The tests read real evidence from ../shared/reference (beside the
# repository); they fail, naming the path, if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d ../shared/reference ]; then
    echo "test.sh: ../shared/reference is missing: the tests read the shared reference data beside the repository" >&2
    exit 2
fi

if [ "$(id -u)" = 0 ]; then
    for deps in scripts/deps/*.sh; do
        bash "$deps"
    done
else
    echo "test.sh: not root, so not installing test dependencies (scripts/deps/*.sh); tests that need them will say so"
fi

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
if command -v cargo-deny >/dev/null 2>&1 || [ "$(id -u)" = 0 ]; then
    scripts/deny.sh
else
    echo "test.sh: cargo-deny is not installed (scripts/deps/deny.sh as root): dependency licences and sources not checked"
fi
cargo test --workspace --locked
