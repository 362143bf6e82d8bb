#!/usr/bin/env bash
# Network evidence throughput, side by side (not part of CI).
#
# Generates (once, under bench/corpus/network, git-ignored) one site's
# network sensor output in each format from the same kind of traffic
# (`rmmguard simulate`: DNS lookups and TLS sessions of 400 hosts), then
# times on the same files in one run:
#   pcap:       rmmguard hunt (one thread: a capture is one stream) vs
#               `tshark -T fields` extracting the fields rmmguard reads
#               (addresses, ports, DNS names, SNI, JA3, certificate names,
#               HTTP host and URI);
#   Zeek TSV, Zeek JSON, Suricata EVE:
#               rmmguard hunt (1 and all threads) vs `rg -F -f iocs.txt`
#               (the catalog's domains: the analyst's quick grep).
# Each timing is the median of hyperfine runs after a warm-up (warm page
# cache); peak RSS from GNU time. Results go to bench/results/.
#
# Usage: bench/network.sh [SESSIONS_PER_HOST]   (default 125: a ~300 MB pcap)
# Needs: hyperfine, ripgrep, tshark (apt; scripts/deps/network.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

PER_HOST=${1:-125}
RUNS=${RUNS:-3}
CORPUS=bench/corpus/network
mkdir -p bench/results bench/corpus

cargo build --release --locked -p rmmguard-cli >/dev/null
RMMGUARD=target/release/rmmguard
THREADS=$(nproc)

if [ ! -f "$CORPUS.per-host" ] || [ "$(cat "$CORPUS.per-host")" != "$PER_HOST" ]; then
    rm -rf "$CORPUS"
    # Four sites: hq gets a pcap, branch1 Zeek TSV, branch2 EVE, plant Zeek JSON.
    "$RMMGUARD" simulate --seed 42 --scenario msp --sites 4 --hosts 400 --days 1 \
        --background 10 --browsing "$PER_HOST" --out "$CORPUS" >/dev/null
    echo "$PER_HOST" >"$CORPUS.per-host"
fi
# A tenfold Zeek TSV site of its own (every scenario, so some RMM traffic
# among the browsing): the per-core figure with start-up amortized.
if [ ! -f "$CORPUS-zeek.per-host" ] || [ "$(cat "$CORPUS-zeek.per-host")" != "$PER_HOST" ]; then
    rm -rf "$CORPUS-zeek"
    "$RMMGUARD" simulate --seed 42 --sites 1 --hosts 400 --days 1 --background 10 \
        --browsing $((PER_HOST * 10)) --sensor zeek --no-mail --out "$CORPUS-zeek" >/dev/null
    echo "$PER_HOST" >"$CORPUS-zeek.per-host"
fi
ZEEK_BIG=$CORPUS-zeek/hq/network/zeek
PCAP=$CORPUS/hq/network/capture.pcap
ZEEK_TSV=$CORPUS/branch1/network/zeek
EVE=$CORPUS/branch2/network/eve.json
ZEEK_JSON=$CORPUS/plant/network/zeek-json

"$RMMGUARD" catalog export --json | python3 -c '
import json, sys
domains = set()
for tool in json.load(sys.stdin)["tools"]:
    for domain in tool.get("network", {}).get("domains", []):
        domain = domain.lower().removeprefix("*.")
        if "*" not in domain:
            domains.add(domain)
print("\n".join(sorted(domains)))
' >bench/corpus/network-iocs.txt

OUT="bench/results/$(date -u +%Y-%m-%d)-$(hostname -s)-network.md"
bytes() { du -cb "$@" | tail -1 | cut -f1; }
median() { python3 -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$1"; }
rss() { /usr/bin/time -f "%M" -o /tmp/rss.$$ "$@" >/dev/null 2>&1 || true; echo $(($(tail -1 /tmp/rss.$$) / 1024)); }
timed() { # name, bytes, command...
    local name=$1 size=$2; shift 2
    hyperfine -N -i --warmup 1 --runs "$RUNS" --export-json /tmp/hf.$$ "$*" >/dev/null 2>&1
    local seconds; seconds=$(median /tmp/hf.$$)
    local mem; mem=$(rss "$@")
    python3 -c 'import sys
name, size, s, mem = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
print(f"| {name} | {size/2**20:.1f} MiB | {s:.3f} s | {size/2**20/s:.0f} MiB/s | {size*8/s/1e9:.2f} Gbit/s | {mem} MB |")' \
        "$name" "$size" "$seconds" "$mem" | tee -a "$OUT"
}

{
    echo "# Network benchmarks, $(date -u +%Y-%m-%dT%H:%MZ), $(hostname -s)"
    echo
    echo "$(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
    echo
    echo "pcap: $(bytes "$PCAP") bytes, $(tshark -r "$PCAP" -T fields -e frame.len 2>/dev/null | wc -l) packets"
    echo
    echo "| run | input | median | MiB/s | Gbit/s | peak RSS |"
    echo "|---|---|---|---|---|---|"
} >"$OUT"

timed "pcap: rmmguard hunt" "$(bytes "$PCAP")" "$RMMGUARD" hunt -q --threads 1 "$PCAP"
timed "pcap: tshark -T fields" "$(bytes "$PCAP")" tshark -r "$PCAP" -T fields \
    -e ip.src -e ip.dst -e tcp.srcport -e tcp.dstport -e dns.qry.name \
    -e tls.handshake.extensions_server_name -e tls.handshake.ja3 \
    -e x509sat.printableString -e http.host -e http.request.uri
for input in "Zeek TSV:$ZEEK_TSV" "Zeek TSV, tenfold:$ZEEK_BIG" "Zeek JSON:$ZEEK_JSON" "EVE:$EVE"; do
    name=${input%%:*}
    path=${input#*:}
    size=$(bytes "$path")
    timed "$name: rmmguard hunt, 1 thread" "$size" "$RMMGUARD" hunt -q --threads 1 "$path"
    timed "$name: rmmguard hunt, $THREADS threads" "$size" "$RMMGUARD" hunt -q --threads "$THREADS" "$path"
    timed "$name: rg -F -f iocs" "$size" rg -F -c -f bench/corpus/network-iocs.txt "$path"
done
{
    echo
    echo "Records parsed in full (the rest passed over by the network screen):"
    for path in "$ZEEK_TSV" "$ZEEK_BIG" "$ZEEK_JSON" "$EVE"; do
        echo "* $path: $("$RMMGUARD" hunt "$path" 2>&1 | grep -o 'parsed [0-9,]* records' | head -1)" \
            "of $("$RMMGUARD" hunt "$path" 2>&1 | grep -o '[0-9,]* records in' | head -1 | cut -d' ' -f1)"
    done
    # Start-up (catalog, detector, prefilter automaton) on a header-only log.
    mkdir -p bench/corpus/empty-zeek
    head -8 "$ZEEK_TSV/conn.log" >bench/corpus/empty-zeek/conn.log
    hyperfine -N --warmup 1 --runs 5 --export-json /tmp/hf.$$ \
        "$RMMGUARD hunt -q --threads 1 bench/corpus/empty-zeek" >/dev/null 2>&1
    echo
    echo "Start-up on a header-only log: $(median /tmp/hf.$$) s"
} | tee -a "$OUT"
echo "results in $OUT"
