#!/bin/sh
# ut-emulator as a CTest fixture:
#   ut-emulator-fixture.sh start EMULATOR DIR   starts it on a free port, writes its URL to DIR/url
#   ut-emulator-fixture.sh stop DIR             stops it
# Its output goes to files: CTest waits for every holder of a test's output pipe.
set -eu
case "$1" in
start)
    mkdir -p "$3"
    rm -f "$3/url"
    : >"$3/out"  # exists before the background shell gets to open it
    "$2" --bind 127.0.0.1:0 </dev/null >"$3/out" 2>"$3/err" &
    echo $! >"$3/pid"
    for _ in $(seq 100); do
        url=$(sed -n 's/^listening on //p' "$3/out")
        if [ -n "$url" ]; then
            echo "$url" >"$3/url"
            echo "ut-emulator listening on $url"
            exit 0
        fi
        kill -0 $! 2>/dev/null || break
        sleep 0.1
    done
    cat "$3/err" >&2
    kill $! 2>/dev/null || true
    exit 1
    ;;
stop)
    kill "$(cat "$2/pid")"
    rm -f "$2/pid" "$2/url"
    ;;
esac
