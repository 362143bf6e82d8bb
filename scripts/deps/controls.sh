#!/usr/bin/env bash
# Installs what the rmmguard-controls tests need to validate their outputs
# with the real tools, on Debian 12, as root:
#   nft (nftables), iptables-restore / iptables-nft-restore (iptables),
#   named-checkzone (bind9-utils), unbound-checkconf (unbound),
#   ip netns + veth (iproute2), sysctl (procps) and python3 for the
#   network-namespace tests (they need root, as CI has), xmllint
#   (libxml2-utils) for the AppLocker XML, and sigma (sigma-cli, in its own
#   virtual environment) with the splunk and elasticsearch (lucene) backends.
# Debian 12 ships neither Suricata nor PowerShell: the tests check those two
# outputs with strict parsers of the syntax instead (tests/injection.rs).
# Idempotent and quiet: a second run installs nothing and prints one line.
# Usage: sudo bash scripts/deps/controls.sh
set -euo pipefail

SIGMA_VENV=${RMMGUARD_SIGMA_VENV:-/opt/rmmguard/sigma-venv}
# Pinned to the versions the tests were written against, so a new validator
# in a later pySigma cannot turn CI red overnight; bump them deliberately.
SIGMA_PACKAGES=(sigma-cli==3.1.0 pySigma==1.5.1 pySigma-backend-splunk==2.1.0 pySigma-backend-elasticsearch==2.1.1)
APT_PACKAGES=(nftables iptables bind9-utils unbound iproute2 procps libxml2-utils python3 python3-venv)

log() { printf 'controls.sh: %s\n' "$*"; }

have_all_commands() {
    local command
    for command in nft iptables-restore ip6tables-restore named-checkzone unbound-checkconf ip sysctl xmllint python3; do
        command -v "$command" >/dev/null 2>&1 || return 1
    done
}

install_apt() {
    if have_all_commands; then
        return 0
    fi
    log "installing Debian packages: ${APT_PACKAGES[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    # unbound's package would start a resolver on port 53; the tests only need
    # unbound-checkconf, so keep the service from starting during the install.
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    apt-get install -y -qq --no-install-recommends "${APT_PACKAGES[@]}" >/dev/null
    rm -f /usr/sbin/policy-rc.d
}

sigma_ready() {
    command -v sigma >/dev/null 2>&1 || return 1
    local targets
    targets=$(sigma list targets 2>/dev/null) || return 1
    grep -qi splunk <<<"$targets" && grep -qi lucene <<<"$targets"
}

pick_python() {
    # Prefer Debian's interpreter (python3-venv is installed above); fall back
    # to whatever python3 is on PATH (pyenv on developer machines).
    if [ -x /usr/bin/python3 ] && /usr/bin/python3 -m venv --help >/dev/null 2>&1; then
        echo /usr/bin/python3
    else
        command -v python3
    fi
}

install_sigma() {
    if sigma_ready; then
        return 0
    fi
    log "installing ${SIGMA_PACKAGES[*]} into $SIGMA_VENV"
    local python
    python=$(pick_python)
    mkdir -p "$(dirname "$SIGMA_VENV")"
    [ -x "$SIGMA_VENV/bin/pip" ] || "$python" -m venv "$SIGMA_VENV"
    "$SIGMA_VENV/bin/pip" install -q --disable-pip-version-check "${SIGMA_PACKAGES[@]}"
    ln -sf "$SIGMA_VENV/bin/sigma" /usr/local/bin/sigma
    sigma_ready || { log "sigma installed but its splunk/lucene targets are missing"; exit 1; }
}

install_apt
install_sigma
log "ready: $(nft --version 2>/dev/null | head -1); $(iptables --version); sigma $("$SIGMA_VENV/bin/pip" show sigma-cli 2>/dev/null | sed -n 's/^Version: //p')"
