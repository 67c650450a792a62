#!/bin/sh
# The dynamic symbols libusertoken.so defines are exactly the functions usertoken.h declares,
# all prefixed ut_. Usage: check_exports.sh LIBRARY HEADER
set -eu
lib=$1
header=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

nm -D --defined-only "$lib" | awk 'NF >= 3 { print $3 }' | sort -u >"$tmp/exported"
# A declaration is `type name(` at the start of a line, as cbindgen writes them.
grep -oE '^[A-Za-z_][A-Za-z0-9_ *]*[ *](ut_[a-z0-9_]+)\(' "$header" |
    grep -oE 'ut_[a-z0-9_]+\($' | tr -d '(' | sort -u >"$tmp/declared"

echo "exported: $(wc -l <"$tmp/exported") symbols; declared: $(wc -l <"$tmp/declared") functions"
status=0
if grep -v '^ut_' "$tmp/exported" >"$tmp/foreign"; then
    echo "exported symbols without the ut_ prefix:" >&2
    cat "$tmp/foreign" >&2
    status=1
fi
if ! diff -u "$tmp/declared" "$tmp/exported" >"$tmp/diff"; then
    echo "declared (-) and exported (+) functions differ:" >&2
    cat "$tmp/diff" >&2
    status=1
fi
[ "$(wc -l <"$tmp/declared")" -gt 0 ] || { echo "no declarations found in $header" >&2; status=1; }
exit $status
