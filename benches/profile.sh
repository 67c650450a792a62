#!/usr/bin/env bash
# Where a blocking issue call's instructions go: the C bench's ut-sync mode, then its
# curl-sync mode for comparison, each for a fixed number of calls under
# valgrind --tool=callgrind, against a private ut-emulator. Instruction counts barely move
# between runs, unlike timings on a shared machine, so they show small improvements.
#
#   benches/profile.sh [CALLS [TOP]]     defaults: 2000 calls, top 15 functions
#
# Only the measured window is profiled (the bench zeroes the counters after its warm-up
# and dumps them at the window's end), all threads together, library threads included.
# The dumps stay in build/bench/profile/ (SIDE.window.out) for callgrind_annotate or
# kcachegrind; set
# PROFILE_INCLUSIVE=1 to rank by inclusive cost instead of self cost.
set -euo pipefail

calls=${1:-2000}
top=${2:-15}
warmup=${PROFILE_WARMUP:-200}
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/build/bench/profile

command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null ||
    { echo "error: valgrind not found: apt-get install valgrind" >&2; exit 1; }
make -s -C "$root" build >/dev/null
make -s -C "$root/benches" programs
mkdir -p "$out"
rm -f "$out"/*.out*

log=$(mktemp)
"$root/target/release/ut-emulator" --bind 127.0.0.1:0 >"$log" &
emulator=$!
trap 'kill "$emulator" 2>/dev/null; wait "$emulator" 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 1 100); do
    url=$(sed -n 's/^listening on //p' "$log")
    [ -n "$url" ] && break
    sleep 0.05
done
[ -n "${url:-}" ] || { echo "ut-emulator did not start" >&2; exit 1; }

inclusive=no
[ "${PROFILE_INCLUSIVE:-0}" = 1 ] && inclusive=yes

for side in ut curl; do
    echo "== $side-sync, $calls calls after $warmup warm-up, under callgrind"
    # Generous timeouts: everything runs some 50 times slower under valgrind.
    valgrind --tool=callgrind --callgrind-out-file="$out/$side.out" \
        "$root/build/bench/bench-$side" "$side-sync" --url "$url" --threads 1 \
        --warmup-calls "$warmup" --calls "$calls" 2>"$out/$side.valgrind.log" |
        tee "$out/$side.json"
    raw="$out/$side.out.1"   # the window's dump (the bench's CALLGRIND_DUMP_STATS_AT)
    [ -f "$raw" ] || { echo "no window dump; see $out/$side.valgrind.log" >&2; exit 1; }
    # Two fix-ups for a dump taken mid-run. Calls already in progress when the counters were
    # zeroed are written as "calls=0", which callgrind_annotate misreads as self cost (of
    # clone, start_thread, ...): count them as 1. And "summary" keeps a share of those
    # in-progress calls, so use "totals", the sum of what the window really executed.
    totals=$(sed -n 's/^totals: *//p' "$raw")
    sed -e 's/^calls=0 /calls=1 /' -e "s/^summary: .*/summary: $totals/" "$raw" >"$out/$side.window.out"
    done_calls=$(sed -n 's/.*"calls":\([0-9]*\).*/\1/p' "$out/$side.json")
    echo "instructions per call: $((totals / done_calls)) ($totals in $done_calls calls)"
    callgrind_annotate --auto=no --inclusive="$inclusive" --threshold=100 "$out/$side.window.out" |
        awk -v top="$top" '/file:function/ {list = 1; next} list && /^ *[0-9]/ && n < top {print; n++}'
    echo
done
