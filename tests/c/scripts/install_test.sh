#!/bin/sh
# build_install: `make install PREFIX=<scratch>` lays out a versioned library, the header, a
# pkg-config file and a CMake package; examples/demo.c builds against that copy with
# pkg-config and with find_package, and runs against the shared emulator.
# Usage: install_test.sh ROOT WORKDIR CC CMAKE   (env UT_TEST_EMULATOR_URL_FILE: the fixture)
set -eu
root=$1
work=$2
cc=$3
cmake=$4
consumer="$(cd "$(dirname "$0")/../install" && pwd)"
prefix="$work/prefix"
rm -rf "$work"
mkdir -p "$work"

fail() {
    echo "build_install: $*" >&2
    exit 1
}

# A make of its own, not a sub-make of whatever ran ctest.
unset MAKEFLAGS MFLAGS MAKELEVEL
echo "== make install PREFIX=$prefix"
make -C "$root" install PREFIX="$prefix" >"$work/make.log" 2>&1 || { cat "$work/make.log" >&2; fail "make install failed"; }

echo "== layout"
lib="$prefix/lib"
[ -f "$lib/libusertoken.so.1.0.0" ] && [ ! -L "$lib/libusertoken.so.1.0.0" ] || fail "no file $lib/libusertoken.so.1.0.0"
[ "$(readlink "$lib/libusertoken.so.1")" = "libusertoken.so.1.0.0" ] || fail "libusertoken.so.1 is not a link to libusertoken.so.1.0.0"
[ "$(readlink "$lib/libusertoken.so")" = "libusertoken.so.1" ] || fail "libusertoken.so is not a link to libusertoken.so.1"
soname=$(readelf -d "$lib/libusertoken.so.1.0.0" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
[ "$soname" = "libusertoken.so.1" ] || fail "installed library has soname '$soname'"
# Stripped or not, it exports what the build tree's library does.
nm -D --defined-only "$lib/libusertoken.so.1.0.0" | awk '{ print $3 }' | sort >"$work/installed.syms"
nm -D --defined-only "$root/target/release/libusertoken.so" | awk '{ print $3 }' | sort >"$work/built.syms"
cmp -s "$work/installed.syms" "$work/built.syms" || fail "the installed library exports other symbols than the built one"
cmp -s "$prefix/include/usertoken.h" "$root/include/usertoken.h" || fail "installed header differs from include/usertoken.h"
[ -f "$lib/cmake/usertoken/usertokenConfig.cmake" ] && [ -f "$lib/cmake/usertoken/usertokenConfigVersion.cmake" ] ||
    fail "CMake package files missing"
ls -l "$lib" "$prefix/include" "$lib/pkgconfig" "$lib/cmake/usertoken"

url=$(cat "${UT_TEST_EMULATOR_URL_FILE:?run through ctest}")
run_demo() {
    echo "== $1 against $url"
    MINDBODY_BASE_URL=$url MINDBODY_API_KEY=test-api-key MINDBODY_SITE_ID=-99 \
        MINDBODY_USERNAME=Siteowner MINDBODY_PASSWORD=apitest1234 "$1" >"$1.out" 2>&1 ||
        { cat "$1.out" >&2; fail "$1 failed"; }
    cat "$1.out"
    grep -q '^revoke UT_OK' "$1.out" || fail "$1 did not get through issue, renew and revoke"
    # The library it ran with is the installed one, of the packaged version.
    grep -q "^usertoken $version (ABI" "$1.out" || fail "$1 reports another version than the package's $version"
}

echo "== pkg-config"
export PKG_CONFIG_PATH="$lib/pkgconfig"
pkg-config --exists usertoken || fail "pkg-config does not find usertoken in $PKG_CONFIG_PATH"
version=$(pkg-config --modversion usertoken)
cflags=$(pkg-config --cflags usertoken)
libs=$(pkg-config --libs usertoken)
echo "version $version, cflags $cflags, libs $libs"
[ "$(pkg-config --variable=prefix usertoken)" = "$prefix" ] || fail "usertoken.pc has prefix $(pkg-config --variable=prefix usertoken)"
# shellcheck disable=SC2086 # the flags are meant to be split
"$cc" -std=c99 -Wall -Wextra -Werror $cflags -o "$work/demo_pkgconfig" "$root/examples/demo.c" $libs -Wl,-rpath,"$lib"
readelf -d "$work/demo_pkgconfig" | grep -q 'NEEDED.*\[libusertoken.so.1\]' || fail "the demo does not depend on libusertoken.so.1"
case "$(LD_LIBRARY_PATH='' ldd "$work/demo_pkgconfig" | grep libusertoken)" in
    *"$lib/libusertoken.so.1"*) ;;
    *) fail "the demo does not load the installed library" ;;
esac
run_demo "$work/demo_pkgconfig"

echo "== find_package"
"$cmake" -S "$consumer" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$prefix" -DDEMO_SOURCE="$root/examples/demo.c" \
    -DUSERTOKEN_REQUEST=1.0 >"$work/consumer.log" 2>&1 || { cat "$work/consumer.log" >&2; fail "find_package(usertoken 1.0) failed"; }
grep "usertoken $version from $lib/cmake/usertoken" "$work/consumer.log" || fail "find_package found another usertoken"
"$cmake" --build "$work/consumer" >"$work/consumer-build.log" 2>&1 || { cat "$work/consumer-build.log" >&2; fail "the CMake build failed"; }
run_demo "$work/consumer/demo"

echo "== find_package of an incompatible version fails"
if "$cmake" -S "$consumer" -B "$work/consumer2" -DCMAKE_PREFIX_PATH="$prefix" -DDEMO_SOURCE="$root/examples/demo.c" \
    -DUSERTOKEN_REQUEST=2 >"$work/consumer2.log" 2>&1; then
    fail "find_package(usertoken 2) accepted version $version"
fi

echo "== the installed tree, moved, still works with find_package"
mv "$prefix" "$work/moved"
"$cmake" -S "$consumer" -B "$work/consumer-moved" -DCMAKE_PREFIX_PATH="$work/moved" -DDEMO_SOURCE="$root/examples/demo.c" \
    -DUSERTOKEN_REQUEST=1 >"$work/moved.log" 2>&1 || { cat "$work/moved.log" >&2; fail "find_package in the moved tree failed"; }
"$cmake" --build "$work/consumer-moved" >"$work/moved-build.log" 2>&1 || { cat "$work/moved-build.log" >&2; fail "the build against the moved tree failed"; }
lib="$work/moved/lib"
run_demo "$work/consumer-moved/demo"
echo "== DESTDIR staging, as packagers use it"
make -C "$root" install PREFIX=/usr DESTDIR="$work/stage" >"$work/stage.log" 2>&1 || { cat "$work/stage.log" >&2; fail "make install DESTDIR=... failed"; }
[ -f "$work/stage/usr/lib/libusertoken.so.1.0.0" ] && [ -f "$work/stage/usr/include/usertoken.h" ] ||
    fail "DESTDIR install is not under $work/stage/usr"
grep -qx 'prefix=/usr' "$work/stage/usr/lib/pkgconfig/usertoken.pc" || fail "the staged usertoken.pc does not say prefix=/usr"
echo "build_install: all good"
