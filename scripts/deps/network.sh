#!/usr/bin/env bash
# Installs what the network-evidence tests and benchmarks need, on Debian 12,
# as root: tshark (the differential oracle for the pcap reader: DNS names,
# SNI and JA3 of every reference capture) and ripgrep (the `rg -F -f`
# baseline in bench/network.sh).
# Idempotent and quiet: a second run installs nothing and prints one line.
# Usage: sudo bash scripts/deps/network.sh
set -euo pipefail

APT_PACKAGES=(tshark ripgrep)

log() { printf 'network.sh: %s\n' "$*"; }

have_all_commands() {
    command -v tshark >/dev/null 2>&1 && command -v rg >/dev/null 2>&1
}

install_apt() {
    if have_all_commands; then
        return 0
    fi
    log "installing Debian packages: ${APT_PACKAGES[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # wireshark-common asks whether non-root users may capture; the tests only
    # read files, so answer no without a prompt.
    echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${APT_PACKAGES[@]}" >/dev/null
}

install_apt
log "ready: $(tshark --version 2>/dev/null | head -1); $(rg --version | head -1)"
