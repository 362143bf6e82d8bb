#!/usr/bin/env bash
# Mail throughput (not part of CI): messages per second of `rmmguard hunt`
# on the reference mail set (../shared/reference/email: .eml files, PDFs
# and calendar invitations among them) and on a generated mbox of 100 000
# messages (`rmmguard simulate --mailbox`, one in 50 a lure), with 1 and all
# threads. Median of hyperfine runs after a warm-up; peak RSS from GNU time.
#
# Usage: bench/mail.sh [MESSAGES]   (default 100000)
# Needs: hyperfine (apt).
set -euo pipefail
cd "$(dirname "$0")/.."

MESSAGES=${1:-100000}
RUNS=${RUNS:-3}
MBOX_DIR=bench/corpus/mail-$MESSAGES
REFERENCE=../shared/reference/email
mkdir -p bench/results bench/corpus

cargo build --release --locked -p rmmguard-cli >/dev/null
RMMGUARD=target/release/rmmguard
THREADS=$(nproc)
[ -f "$MBOX_DIR/inbox.mbox" ] || "$RMMGUARD" simulate --seed 42 --mailbox "$MESSAGES" --out "$MBOX_DIR"

OUT="bench/results/$(date -u +%Y-%m-%d)-$(hostname -s)-mail.md"
median() { python3 -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$1"; }
rss() { /usr/bin/time -f "%M" -o /tmp/rss.$$ "$@" >/dev/null 2>&1 || true; echo $(($(tail -1 /tmp/rss.$$) / 1024)); }
timed() { # name, messages, bytes, command...
    local name=$1 count=$2 size=$3; shift 3
    hyperfine -N -i --warmup 1 --runs "$RUNS" --export-json /tmp/hf.$$ "$*" >/dev/null 2>&1
    local seconds; seconds=$(median /tmp/hf.$$)
    local mem; mem=$(rss "$@")
    python3 -c 'import sys
name, n, size, s, mem = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
print(f"| {name} | {n} | {size/2**20:.1f} MiB | {s:.3f} s | {n/s:,.0f} | {size/2**20/s:.0f} MiB/s | {mem} MB |")' \
        "$name" "$count" "$size" "$seconds" "$mem" | tee -a "$OUT"
}
messages_in() { "$RMMGUARD" hunt --jsonl /dev/null "$1" 2>&1 | sed -n 's/.* \([0-9,]*\) records in .*/\1/p' | tr -d , | head -1; }

{
    echo "# Mail benchmarks, $(date -u +%Y-%m-%dT%H:%MZ), $(hostname -s)"
    echo
    echo "$(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
    echo
    echo "| run | messages | input | median | messages/s | MiB/s | peak RSS |"
    echo "|---|---|---|---|---|---|---|"
} >"$OUT"

REF_BYTES=$(du -cb "$REFERENCE" | tail -1 | cut -f1)
REF_COUNT=$(messages_in "$REFERENCE")
MBOX_BYTES=$(du -b "$MBOX_DIR/inbox.mbox" | cut -f1)
for threads in 1 "$THREADS"; do
    timed "reference set, $threads thread(s)" "$REF_COUNT" "$REF_BYTES" "$RMMGUARD" hunt -q --threads "$threads" "$REFERENCE"
    timed "generated mbox, $threads thread(s)" "$MESSAGES" "$MBOX_BYTES" "$RMMGUARD" hunt -q --threads "$threads" "$MBOX_DIR/inbox.mbox"
done
echo "results in $OUT"
