#!/usr/bin/env bash
# Side-by-side benchmarks of `rmmguard hunt` (not part of CI).
#
# Builds release binaries, prepares the corpora under bench/corpus/ (git-
# ignored), and times, on the same files in one run:
#   EVTX:        rmmguard hunt (1 and all threads) vs evtx_dump (the evtx
#                crate's own dumper: `cargo install evtx`), on the 39.4 MiB
#                reference set and on the four full-system log folders;
#   JSON lines:  rmmguard hunt (1 and all threads) vs `rg -F -i -f iocs.txt`
#                (the analyst's quick hunt for the catalog's names and
#                domains) and a plain serde_json read-and-discard loop;
#   generation:  rmmguard simulate of the JSON-lines corpus.
# Each timing is the median of hyperfine runs after a warm-up (warm page
# cache); peak RSS comes from GNU time. Results go to bench/results/.
#
# Usage: bench/run.sh [SIZE]      (JSON-lines corpus size, default 1GB)
# Needs: hyperfine, ripgrep, p7zip-full (apt), evtx_dump on PATH (optional).
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE=${1:-1GB}
RUNS=${RUNS:-5}
CORPUS=bench/corpus
REFERENCE=../shared/reference
mkdir -p "$CORPUS" bench/results

cargo build --release --locked -p rmmguard-cli -p rmmguard --example json_floor >/dev/null
RMMGUARD=target/release/rmmguard
FLOOR=target/release/examples/json_floor
THREADS=$(nproc)

# Corpora.
if [ ! -d "$CORPUS/fullsystem" ]; then
    for archive in "$REFERENCE"/evtx-fullsystem/*.7z; do
        7z x -y -o"$CORPUS/fullsystem/$(basename "$archive" .7z)" "$archive" >/dev/null
    done
fi
if [ ! -f "$CORPUS/jsonl.size" ] || [ "$(cat "$CORPUS/jsonl.size")" != "$SIZE" ]; then
    rm -rf "$CORPUS/jsonl"
    /usr/bin/time -f "%e %M" -o "$CORPUS/generate.time" \
        "$RMMGUARD" simulate --seed 42 --size "$SIZE" --sites 4 --hosts 10 --days 7 --no-network --out "$CORPUS/jsonl" \
        >"$CORPUS/generate.log"
    echo "$SIZE" >"$CORPUS/jsonl.size"
fi
"$RMMGUARD" catalog export --json | python3 -c '
import json, sys
catalog = json.load(sys.stdin)
iocs = {"myhelpcare.online", "myhelpcare.cc", "win01.xyz", "win03.xyz", "247secure.us"}
for tool in catalog["tools"]:
    for name in tool.get("binaries", {}).get("names", []):
        if "*" not in name and "?" not in name:
            iocs.add(name.lower())
    for domain in tool.get("network", {}).get("domains", []):
        domain = domain.lower().removeprefix("*.")
        if "*" not in domain:
            iocs.add(domain)
print("\n".join(sorted(iocs)))
' >"$CORPUS/iocs.txt"

OUT="bench/results/$(date -u +%Y-%m-%d)-$(hostname -s).md"
{
    echo "# rmmguard benchmarks, $(date -u +%Y-%m-%dT%H:%MZ)"
    echo
    echo "Machine: $(lscpu | sed -n 's/^Model name: *//p'), $THREADS cores, $(free -g | awk '/Mem:/{print $2}') GiB RAM; $(rustc --version)."
    echo "rmmguard $(git rev-parse --short HEAD); $(rg --version | head -1); $(hyperfine --version)."
    command -v evtx_dump >/dev/null && echo "evtx_dump: $(evtx_dump --version 2>/dev/null || echo present)."
    echo
} >"$OUT"

# Times a command (median seconds over RUNS) and its peak RSS (KiB).
measure() {
    local name=$1
    shift
    hyperfine --warmup 1 --runs "$RUNS" --export-json /tmp/rmmguard-bench.json --style none -- "$*" >/dev/null
    local seconds
    seconds=$(python3 -c 'import json;print("%.3f" % json.load(open("/tmp/rmmguard-bench.json"))["results"][0]["median"])')
    local rss
    rss=$( { /usr/bin/time -f "%M" bash -c "$* >/dev/null 2>&1"; } 2>&1 | tail -1)
    echo "$name|$seconds|$rss"
}

table() {
    local title=$1 bytes=$2
    shift 2
    {
        echo "## $title"
        echo
        echo "Input: $(python3 -c "print('%.1f MiB' % ($bytes/1048576))")."
        echo
        echo "| command | median s | MiB/s | peak RSS MiB |"
        echo "|---|---:|---:|---:|"
        local line name seconds rss
        for line in "$@"; do
            IFS='|' read -r name seconds rss <<<"$line"
            python3 -c "print('| \`$name\` | $seconds | %.0f | %.0f |' % ($bytes/1048576/$seconds, $rss/1024))"
        done
        echo
    } >>"$OUT"
}

evtx_files() { find "$1" -name '*.evtx' -print0; }
size_of() { du -sb --apparent-size "$@" | awk '{s+=$1} END {print s}'; }

for set in reference fullsystem; do
    case $set in
        reference) dir=$REFERENCE/evtx; title="EVTX: reference set (../shared/reference/evtx)" ;;
        fullsystem) dir=$CORPUS/fullsystem; title="EVTX: four full-system log folders (evtx-fullsystem, extracted)" ;;
    esac
    bytes=$(evtx_files "$dir" | du -cb --apparent-size --files0-from=- | tail -1 | cut -f1)
    rows=(
        "$(measure "rmmguard hunt --threads 1" "$RMMGUARD" hunt -q --threads 1 "'$dir'")"
        "$(measure "rmmguard hunt --threads $THREADS" "$RMMGUARD" hunt -q --threads "$THREADS" "'$dir'")"
    )
    if command -v evtx_dump >/dev/null; then
        rows+=("$(measure "evtx_dump -o jsonl (per file)" "find '$dir' -name '*.evtx' -print0 | xargs -0 -n1 evtx_dump -o jsonl")")
    fi
    table "$title" "$bytes" "${rows[@]}"
done

bytes=$(size_of "$CORPUS"/jsonl/*/*/*.jsonl)
rows=(
    "$(measure "rmmguard hunt --threads 1" "$RMMGUARD" hunt -q --threads 1 "$CORPUS/jsonl")"
    "$(measure "rmmguard hunt --threads $THREADS" "$RMMGUARD" hunt -q --threads "$THREADS" "$CORPUS/jsonl")"
    "$(measure "rg -F -i -c -f iocs.txt" rg -F -i -c -f "$CORPUS/iocs.txt" "$CORPUS/jsonl")"
    "$(measure "json_floor (serde_json, 1 thread)" "$FLOOR" "$CORPUS/jsonl")"
)
table "JSON lines: generated Winlogbeat corpus ($SIZE, $(wc -l <"$CORPUS/iocs.txt") IOC strings for rg)" "$bytes" "${rows[@]}"

read -r gen_seconds gen_rss <"$CORPUS/generate.time"
{
    echo "## Generation"
    echo
    echo "\`rmmguard simulate --seed 42 --size $SIZE --sites 4 --hosts 10 --days 7\`: $gen_seconds s, peak RSS $((gen_rss / 1024)) MiB. $(cat "$CORPUS/generate.log")"
    echo
} >>"$OUT"

cat "$OUT"
