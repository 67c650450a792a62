#!/usr/bin/env bash
# The binding's first use fails with a clear TypeInitializationException when libusertoken is
# missing or has another ABI. Runs PROGRAM (a Mono executable that uses the binding) against an
# empty library directory and against WRONG_ABI_DIR, whose libusertoken.so reports ABI 999.
# Usage: load-errors.sh MONO PROGRAM EMPTY_DIR WRONG_ABI_DIR
set -uo pipefail
mono=$1 program=$2 empty_dir=$3 wrong_abi_dir=$4
failed=0

expect() {
    local what=$1 dir=$2 needle=$3 out
    out=$(LD_LIBRARY_PATH=$dir MINDBODY_API_KEY=unused "$mono" "$program" 2>&1)
    if [ $? -ne 0 ] && grep -q "TypeInitializationException" <<<"$out" && grep -qF "$needle" <<<"$out"; then
        echo "ok: $what: TypeInitializationException: ... $needle"
    else
        echo "FAILED: $what: expected a TypeInitializationException saying \"$needle\"; got:" >&2
        echo "$out" | head -20 >&2
        failed=1
    fi
}

if /sbin/ldconfig -p 2>/dev/null | grep -q 'libusertoken\.so '; then
    echo "skipped: missing library (libusertoken is installed system-wide)"
else
    expect "missing library" "$empty_dir" "libusertoken could not be loaded"
fi
expect "wrong ABI" "$wrong_abi_dir" "has ABI version 999, but this UserToken assembly needs ABI version 1"
exit $failed
