#!/bin/sh
# Fixture setup: starts the suite's shared ut-emulator on a free loopback port and writes its
# URL to DIR/url and its process id to DIR/pid. Usage: emulator_start.sh EMULATOR DIR
#
# The emulator's output goes to files, not to this script's stdout: ctest waits for every
# holder of a test's output pipe, so a server holding it would keep this test from ending.
# It runs under `timeout` as a last resort, should the cleanup never run (ctest killed).
set -eu
emulator=$1
dir=$2
mkdir -p "$dir"

# A leftover from a run whose cleanup did not happen.
if [ -f "$dir/pid" ]; then
    old=$(cat "$dir/pid")
    if grep -q ut-emulator "/proc/$old/cmdline" 2>/dev/null; then
        kill "$old" 2>/dev/null || true
    fi
fi
rm -f "$dir/url" "$dir/pid"
# Created here, so that it exists before the background shell gets to open it.
: >"$dir/out"

timeout 3600 "$emulator" --bind 127.0.0.1:0 </dev/null >"$dir/out" 2>"$dir/err" &
pid=$!
echo "$pid" >"$dir/pid"

tries=0
while :; do
    url=$(sed -n 's/^listening on //p' "$dir/out")
    [ -n "$url" ] && break
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "ut-emulator exited before listening:" >&2
        cat "$dir/err" >&2
        exit 1
    fi
    tries=$((tries + 1))
    if [ "$tries" -gt 200 ]; then
        echo "ut-emulator did not print its address within 10 s" >&2
        kill "$pid" 2>/dev/null || true
        exit 1
    fi
    sleep 0.05
done
printf '%s\n' "$url" >"$dir/url"
echo "shared ut-emulator $url (pid $pid)"
