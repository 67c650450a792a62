#!/bin/sh
# Compiles, links and runs a source file whose only include is usertoken.h, with every
# warning an error. Usage: compile_header.sh OUTPUT COMPILER FLAGS... SOURCE
set -eu
out=$1
shift
echo "$*"
"$@" -o "$out"
"$out"
