#!/usr/bin/env bash
# Runs one cargo-fuzz target for a given time, or lists the targets.
#
#   scripts/fuzz.sh --list
#   scripts/fuzz.sh TARGET SECONDS
#
# The committed seeds (fuzz/corpus/TARGET) and, where the target has some,
# files from ../shared/reference (cut to a fuzzable size, prepared under
# fuzz/target/reference-seeds/TARGET) are read; what the fuzzer finds goes to
# fuzz/target/corpus/TARGET (kept between runs, never committed) and crashes
# to fuzz/artifacts/TARGET. One job, 2 GiB RSS limit, 10 s per input.
#
# cargo-fuzz needs nightly compiler flags (-Zsanitizer=address, coverage
# passes). We build on the stable toolchain with RUSTC_BOOTSTRAP=1, which
# lets stable rustc accept them; install cargo-fuzz with
# `cargo install cargo-fuzz --version 0.13.2 --locked`.
#
# Environment: FUZZ_ARGS adds libFuzzer flags; the last lines printed are a
# summary (seconds, executions, corpus files, crash files). Run it under
# `nice -n 15` on shared machines.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
fuzz="$root/fuzz"
reference="$root/../shared/reference"

targets() {
    for file in "$fuzz"/fuzz_targets/*.rs; do
        basename "$file" .rs
    done
}

usage() {
    echo "usage: $0 --list | TARGET SECONDS" >&2
    exit 2
}

[[ $# -ge 1 ]] || usage
if [[ $1 == --list ]]; then
    targets
    exit 0
fi
[[ $# -eq 2 ]] || usage
target=$1
seconds=$2
[[ $target =~ ^[a-z0-9_]+$ && -f $fuzz/fuzz_targets/$target.rs ]] || {
    echo "unknown target: $target (see --list)" >&2
    exit 2
}
[[ $seconds =~ ^[0-9]+$ ]] || usage
command -v cargo-fuzz >/dev/null || {
    echo "cargo-fuzz is missing: cargo install cargo-fuzz --version 0.13.2 --locked" >&2
    exit 2
}

# Copies up to `max` files (smallest first), each cut to `bytes`, into $out;
# `.gz` files are decompressed first. `prefix` (hex, may be empty) is put in
# front of each seed, for targets whose first byte picks a mode.
add_seeds() {
    local bytes=$1 max=$2 prefix=$3
    shift 3
    local n=0 file
    while IFS= read -r file; do
        [[ -f $file ]] || continue
        n=$((n + 1))
        [[ $n -le $max ]] || break
        local seed
        seed="$out/$(basename "$file")"
        {
            [[ -z $prefix ]] || printf '%b' "$prefix"
            if [[ $file == *.gz ]]; then
                gzip -dc "$file" | head -c "$bytes" || true
            else
                head -c "$bytes" "$file"
            fi
        } >"$seed"
    done < <(ls -S -r "$@" 2>/dev/null || true)
}

# EVTX seeds without their 4 KiB file header: the target adds its own.
add_evtx_seeds() {
    local n=0 file
    while IFS= read -r file; do
        n=$((n + 1))
        [[ $n -le 60 ]] || break
        tail -c +4097 "$file" | head -c 200000 >"$out/$n.evtx" || true
    done < <(find "$@" -name '*.evtx' -size -400k 2>/dev/null | sort)
}

# Reference seeds per target (read at run time, never committed), cut short:
# libFuzzer takes its longest input as the length limit, and big inputs run
# slowly under AddressSanitizer.
out="$fuzz/target/reference-seeds/$target"
rm -rf "$out"
mkdir -p "$out"
shopt -s nullglob globstar
if [[ -d $reference ]]; then
    case $target in
    evtx) add_evtx_seeds "$reference/evtx" ;;
    sniff) add_seeds 4096 200 "" "$reference"/network/pcap/*.pcap* "$reference"/email/**/*.eml \
        "$reference"/network/zeek/**/*.log "$reference"/evtx/omerbenamram-evtx/*.evtx ;;
    event_jsonl) add_seeds 16384 40 "" "$reference"/sigma-regression/**/*.json ;;
    pcap | pcapng | packet) add_seeds 65536 20 "" "$reference"/network/pcap/*.pcap* ;;
    zeek_tsv) add_seeds 8192 20 "" "$reference"/network/zeek/tsv/*.gz "$reference"/network/zeek/format-baselines/*.log ;;
    zeek_json) add_seeds 8192 20 "" "$reference"/network/zeek/json/*.gz "$reference"/network/zeek/format-baselines/json-*.log ;;
    eml | mbox) add_seeds 65536 120 "" "$reference"/email/**/*.eml ;;
    ioc) add_seeds 8192 10 "" "$reference"/network/indicators/*.csv ;;
    lolrmm) add_seeds 65536 400 '\x00' "$reference"/lolrmm/yaml/*.yaml ;;
    esac
fi
case $target in
catalog_toml) add_seeds 65536 200 "" "$root"/catalog/*.toml ;;
policy) add_seeds 65536 10 "" "$root"/examples/*.toml ;;
esac
if [[ $target == packet ]]; then
    # The packet target wants a link byte and chunks, not a capture: drop them.
    rm -f "$out"/*
fi

work="$fuzz/target/corpus/$target"
mkdir -p "$work" "$fuzz/corpus/$target"
log="$fuzz/target/logs/$target.log"
mkdir -p "$(dirname "$log")"

cd "$root"
set +e
RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir "$fuzz" "$target" \
    "$work" "$fuzz/corpus/$target" "$out" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 ${FUZZ_ARGS:-} 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
took=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | tail -1 | grep -o 'in [0-9]*' | grep -o '[0-9]*')
corpus=$(find "$work" -type f | wc -l)
crashes=$(find "$fuzz/artifacts/$target" -type f 2>/dev/null | wc -l)
echo "summary: target=$target seconds=${took:-?} execs=${execs:-?} corpus=$corpus crashes=$crashes status=$status"
exit "$status"
