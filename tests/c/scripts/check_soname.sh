#!/bin/sh
# The library carries the soname libusertoken.so.1, which programs record as their
# dependency, and the build tree has the link by that name. Usage: check_soname.sh LIBRARY
set -eu
lib=$1
soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
echo "soname: ${soname:-none}"
[ "$soname" = "libusertoken.so.1" ] || { echo "expected soname libusertoken.so.1" >&2; exit 1; }
link="$(dirname "$lib")/$soname"
[ -e "$link" ] || { echo "$link is missing (make build creates it)" >&2; exit 1; }
