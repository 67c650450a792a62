#!/bin/sh
# build_emulator_guide: the CTest part of docs/testing-with-the-emulator.md. The guide quotes
# the files of tests/c/emulator-guide verbatim; that project, configured against a scratch
# `make install` (the library's CMake package and ut-emulator), runs its own ctest: the
# ut_emulator fixture starts ut-emulator on a free port, login_test logs in against it, and
# the fixture stops it again.
# Usage: emulator_guide_test.sh ROOT WORKDIR CMAKE CTEST
set -eu
root=$1
work=$2
cmake=$3
ctest=$4
guide="$root/docs/testing-with-the-emulator.md"
rm -rf "$work"
mkdir -p "$work"

fail() {
    echo "build_emulator_guide: $*" >&2
    exit 1
}

echo "== the guide quotes tests/c/emulator-guide verbatim"
quoted=0
for file in CMakeLists.txt ut-emulator-fixture.sh login_test.c; do
    path="tests/c/emulator-guide/$file"
    # The fenced block right after the line <!-- snippet: PATH -->.
    awk -v marker="<!-- snippet: $path -->" '
        $0 == marker { found = 1; next }
        found && !inside && /^```/ { inside = 1; next }
        inside && /^```$/ { exit }
        inside { print }' "$guide" >"$work/quoted"
    [ -s "$work/quoted" ] || fail "$guide does not quote $path"
    diff -u "$root/$path" "$work/quoted" || fail "$guide quotes another $path than the file"
    quoted=$((quoted + 1))
done
echo "$quoted files quoted as they are"

echo "== make install into a scratch prefix"
unset MAKEFLAGS MFLAGS MAKELEVEL
make -C "$root" install PREFIX="$work/prefix" LDCONFIG=/bin/true >"$work/install.log" 2>&1 ||
    { cat "$work/install.log" >&2; fail "make install failed"; }

echo "== the guide's project: configure, build, ctest"
"$cmake" -S "$root/tests/c/emulator-guide" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" >"$work/configure.log" 2>&1 ||
    { cat "$work/configure.log" >&2; fail "configuring the guide's project failed"; }
grep -q "UT_EMULATOR:FILEPATH=$work/prefix/bin/ut-emulator" "$work/build/CMakeCache.txt" ||
    fail "find_program found another ut-emulator than the installed one"
"$cmake" --build "$work/build" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; fail "building the guide's project failed"; }
"$ctest" --test-dir "$work/build" --output-on-failure >"$work/ctest.log" 2>&1 || { cat "$work/ctest.log" >&2; fail "the guide's ctest failed"; }
cat "$work/ctest.log"
grep -q "100% tests passed, 0 tests failed out of 3" "$work/ctest.log" || fail "the guide's ctest did not run its 3 tests"
[ ! -f "$work/build/ut-emulator/pid" ] || fail "the fixture did not stop ut-emulator"
echo "build_emulator_guide: all good"
