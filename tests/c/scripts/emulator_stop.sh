#!/bin/sh
# Fixture cleanup: stops the shared ut-emulator started by emulator_start.sh and fails when it
# had already died, since then the tests ran against a crashed server. Usage: emulator_stop.sh DIR
set -u
dir=$1
[ -f "$dir/pid" ] || { echo "no emulator was started"; exit 0; }
pid=$(cat "$dir/pid")
rm -f "$dir/pid" "$dir/url"
if ! kill "$pid" 2>/dev/null; then
    echo "the shared ut-emulator (pid $pid) had exited before the end of the tests:" >&2
    cat "$dir/err" >&2
    exit 1
fi
# SIGTERM ends it cleanly; a server that ignores it for 5 s is killed and reported.
for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || { echo "shared ut-emulator stopped"; exit 0; }
    sleep 0.05
done
kill -9 "$pid" 2>/dev/null
echo "ut-emulator (pid $pid) ignored SIGTERM for 5 s and was killed" >&2
exit 1
