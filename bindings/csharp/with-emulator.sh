#!/usr/bin/env bash
# Starts ut-emulator on a free loopback port, runs a command with MINDBODY_BASE_URL and
# MINDBODY_API_KEY set for it, and stops the emulator whatever happens.
# Usage: with-emulator.sh EMULATOR COMMAND...
set -euo pipefail
emulator=$1
shift

out=$(mktemp)
"$emulator" --bind 127.0.0.1:0 >"$out" &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -f "$out"' EXIT

url=
for _ in $(seq 1 200); do
    url=$(sed -n 's/^listening on //p' "$out")
    [ -n "$url" ] && break
    kill -0 "$pid" 2>/dev/null || { echo "ut-emulator exited before listening" >&2; exit 1; }
    sleep 0.05
done
[ -n "$url" ] || { echo "ut-emulator did not start" >&2; exit 1; }

echo "ut-emulator listening on $url"
MINDBODY_BASE_URL=$url MINDBODY_API_KEY=test-api-key "$@"
