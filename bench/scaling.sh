#!/usr/bin/env bash
# Multi-core scaling of `rmmguard hunt` on a generated JSON-lines corpus:
# the same binary and corpus, 1 to N threads. Run on a many-core machine:
#   bench/scaling.sh BINARY [SIZE]
set -euo pipefail
BIN=${1:?usage: bench/scaling.sh BINARY [SIZE]}
SIZE=${2:-2GB}
DIR=$(mktemp -d)
"$BIN" simulate --seed 42 --size "$SIZE" --sites 8 --hosts 16 --days 7 --out "$DIR/jsonl" | tail -1
cat "$DIR"/jsonl/*/*/*.jsonl >/dev/null
echo "cores: $(nproc), $(lscpu | sed -n 's/^Model name: *//p')"
for threads in 1 2 4 8 16; do
    [ "$threads" -gt "$(nproc)" ] && break
    for run in 1 2 3; do
        if [ -x /usr/bin/time ]; then
            /usr/bin/time -f "threads=$threads run=$run %e s %M KB" "$BIN" hunt -q --threads "$threads" "$DIR/jsonl"
        else
            TIMEFORMAT="threads=$threads run=$run %R s"
            time "$BIN" hunt -q --threads "$threads" "$DIR/jsonl"
        fi
    done
done 2>&1
