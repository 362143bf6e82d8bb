#!/usr/bin/env bash
# User data at scale (issue 13): how long `rmmguard hunt` takes, and how much
# memory, to load a 10-million-indicator IOC file and policies with a million
# hosts, globs or tenants, hunting a tiny evidence set (the example
# Winlogbeat JSON lines) so that loading is what is measured.
#
# Generates, under bench/corpus/user-data/ (git-ignored):
#   iocs-10m.txt       10,000,000 indicators, one per line: 6 M domains,
#                      2 M IPv4 addresses, 1 M SHA-256 hashes, 1 M URLs
#   iocs-20k.txt       20,000 domains: the most the prefilter searches for
#   policy-groups.toml one host group of 1,000,000 globs (900,000 host
#                      names, 100,000 `prefix*` globs), used by one entry
#   policy-entries.toml 200,000 [[authorized]] entries, each with a host glob
#                      and a tenant
#   policy-tenants.toml one entry with 1,000,000 tenants (names and `*.x` globs)
# and reports, per run, the wall-clock time and peak RSS from GNU time -v.
#
# Usage: bench/user_data.sh [BINARY]   (default: builds target/release/rmmguard)
# Needs: GNU time (/usr/bin/time), awk.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -ge 1 ]; then
    RMMGUARD=$1
else
    cargo build --release --locked -p rmmguard-cli >/dev/null
    RMMGUARD=target/release/rmmguard
fi
DIR=bench/corpus/user-data
EVIDENCE=examples/evidence/jsonl
mkdir -p "$DIR"
DATA=$(mktemp -d)
trap 'rm -rf "$DATA"' EXIT

if [ ! -s "$DIR/iocs-10m.txt" ]; then
    awk 'BEGIN {
        srand(13);
        for (i = 0; i < 6000000; i++) printf "c%07d.%s.example\n", i, substr("abcdefghij", i % 10 + 1, 1);
        for (i = 0; i < 2000000; i++) printf "%d.%d.%d.%d\n", 11 + int(i / 65536) % 200, int(i / 256) % 256, i % 256, (i * 7) % 250 + 1;
        for (i = 0; i < 1000000; i++) {
            h = "";
            for (j = 0; j < 8; j++) h = h sprintf("%08x", int(rand() * 4294967295));
            print h;
        }
        for (i = 0; i < 1000000; i++) printf "http://u%07d.payload.example/dl/%d.exe\n", i, i % 97;
    }' > "$DIR/iocs-10m.txt"
fi
if [ ! -s "$DIR/iocs-20k.txt" ]; then
    head -n 20000 "$DIR/iocs-10m.txt" > "$DIR/iocs-20k.txt"
fi
if [ ! -s "$DIR/policy-groups.toml" ]; then
    awk 'BEGIN {
        print "version = 1\n[host_groups]\nfleet = [";
        for (i = 0; i < 900000; i++) printf "  \"ws-%07d.corp.example\",\n", i;
        for (i = 0; i < 100000; i++) printf "  \"lab-%06d-*\",\n", i;
        print "]\n\n[[authorized]]\ntool = \"screenconnect\"\ntenants = [\"support.acme.example\"]\nhosts = [\"group:fleet\"]";
    }' > "$DIR/policy-groups.toml"
fi
if [ ! -s "$DIR/policy-entries.toml" ]; then
    awk 'BEGIN {
        print "version = 1";
        for (i = 0; i < 200000; i++)
            printf "\n[[authorized]]\ntool = \"%s\"\nhosts = [\"site%06d-*\"]\ntenants = [\"tenant-%06d.msp.example\"]\nreason = \"client %d\"\n", (i % 2 ? "atera" : "screenconnect"), i, i, i;
    }' > "$DIR/policy-entries.toml"
fi
if [ ! -s "$DIR/policy-tenants.toml" ]; then
    awk 'BEGIN {
        print "version = 1\n\n[[authorized]]\ntool = \"screenconnect\"\ntenants = [";
        for (i = 0; i < 900000; i++) printf "  \"relay-%07d.msp.example\",\n", i;
        for (i = 0; i < 100000; i++) printf "  \"*.client%06d.example\",\n", i;
        print "]";
    }' > "$DIR/policy-tenants.toml"
fi

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/^Mem:/ {print $2}') GiB"
echo "binary: $RMMGUARD ($(git rev-parse --short HEAD))"
ls -l "$DIR"
printf '\n%-34s %10s %12s %s\n' "run" "wall (s)" "peak RSS (MB)" "exit"
run() {
    local name=$1
    shift
    local status=0
    /usr/bin/time -v -o "$DATA/time" "$RMMGUARD" --data-dir "$DATA" hunt -q "$@" "$EVIDENCE" \
        >/dev/null 2>"$DATA/stderr" || status=$?
    local wall rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$DATA/time")
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$DATA/time")
    printf '%-34s %10s %12s %s\n' "$name" "$wall" "$rss" "$status"
}
run "baseline (no IOCs, no policy)"
run "IOCs: 20,000 domains" --ioc "$DIR/iocs-20k.txt"
run "IOCs: 10,000,000 mixed" --ioc "$DIR/iocs-10m.txt"
run "policy: 1,000,000 group globs" --policy "$DIR/policy-groups.toml"
run "policy: 200,000 entries" --policy "$DIR/policy-entries.toml"
run "policy: 1,000,000 tenants" --policy "$DIR/policy-tenants.toml"
