#!/bin/sh
# build_install: `make install` from a built tree, as root would run it (`sudo make install`:
# PATH=/usr/bin:/bin, no cargo), lays out a versioned library, the header, a pkg-config file,
# a CMake package, ut-emulator and the license texts; `make uninstall` takes them away again.
# examples/demo.c builds against an installed copy with pkg-config and with find_package, and
# the README's C quick start, built with the README's own command line against a staged
# install, starts and runs. Every program runs against the shared emulator.
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

# A make of its own, not a sub-make of whatever ran ctest; root's PATH, which has no cargo,
# and a CARGO that fails, so that any attempt to build shows.
unset MAKEFLAGS MFLAGS MAKELEVEL
as_root_would() {
    env PATH=/usr/bin:/bin CARGO=/bin/false make -C "$root" "$@"
}
built_stamp=$(stat -c %Y "$root/target/release/libusertoken.so")

echo "== make install without a build fails, says why and installs nothing"
if as_root_would install RELEASE="$work/nothing-built" DESTDIR="$work/unbuilt" >"$work/unbuilt.log" 2>&1; then
    cat "$work/unbuilt.log" >&2
    fail "make install succeeded with nothing built"
fi
cat "$work/unbuilt.log"
grep -q "missing: run 'make build' first" "$work/unbuilt.log" || fail "make install did not say to run 'make build'"
[ ! -e "$work/unbuilt" ] || fail "make install without a build installed something"

echo "== make install PREFIX=$prefix"
# Not the system's ldconfig: this prefix is no business of the loader's cache.
as_root_would install PREFIX="$prefix" LDCONFIG=/bin/true >"$work/make.log" 2>&1 || { cat "$work/make.log" >&2; fail "make install failed"; }
cat "$work/make.log"
grep -q ': not found' "$work/make.log" && fail "make install ran a command that root's PATH does not have"
[ "$(stat -c %Y "$root/target/release/libusertoken.so")" = "$built_stamp" ] || fail "make install rebuilt the library"

# check_layout PREFIX LIBDIR: every file make install writes, under the given directories.
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -n 1)
check_layout() {
    p=$1
    l=$2
    [ -f "$l/libusertoken.so.$version" ] && [ ! -L "$l/libusertoken.so.$version" ] || fail "no file $l/libusertoken.so.$version"
    [ "$(readlink "$l/libusertoken.so.1")" = "libusertoken.so.$version" ] || fail "libusertoken.so.1 is not a link to libusertoken.so.$version"
    [ "$(readlink "$l/libusertoken.so")" = "libusertoken.so.1" ] || fail "libusertoken.so is not a link to libusertoken.so.1"
    soname=$(readelf -d "$l/libusertoken.so.$version" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
    [ "$soname" = "libusertoken.so.1" ] || fail "installed library has soname '$soname'"
    # Stripped, it exports what the build tree's library does.
    readelf --section-headers "$l/libusertoken.so.$version" | grep -q '\.symtab' && fail "the installed library is not stripped"
    nm -D --defined-only "$l/libusertoken.so.$version" | awk '{ print $3 }' | sort >"$work/installed.syms"
    nm -D --defined-only "$root/target/release/libusertoken.so" | awk '{ print $3 }' | sort >"$work/built.syms"
    cmp -s "$work/installed.syms" "$work/built.syms" || fail "the installed library exports other symbols than the built one"
    cmp -s "$p/include/usertoken.h" "$root/include/usertoken.h" || fail "installed header differs from include/usertoken.h"
    [ -f "$l/pkgconfig/usertoken.pc" ] || fail "no $l/pkgconfig/usertoken.pc"
    [ -f "$l/cmake/usertoken/usertokenConfig.cmake" ] && [ -f "$l/cmake/usertoken/usertokenConfigVersion.cmake" ] ||
        fail "CMake package files missing from $l/cmake/usertoken"
    [ -x "$p/bin/ut-emulator" ] || fail "no $p/bin/ut-emulator"
    "$p/bin/ut-emulator" --help | grep -q "listening on" || fail "the installed ut-emulator does not run"
    for license in LICENSE-MIT LICENSE-APACHE; do
        cmp -s "$p/share/doc/usertoken/$license" "$root/$license" || fail "$p/share/doc/usertoken/$license is missing or differs"
    done
}

echo "== layout"
lib="$prefix/lib"
check_layout "$prefix" "$lib"
ls -lR "$prefix"

url=$(cat "${UT_TEST_EMULATOR_URL_FILE:?run through ctest}")
run_demo() {
    echo "== $1 against $url"
    env -u LD_LIBRARY_PATH MINDBODY_BASE_URL="$url" MINDBODY_API_KEY=test-api-key MINDBODY_SITE_ID=-99 \
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
[ "$version" = "$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -n 1)" ] || fail "usertoken.pc says version $version"
[ "$(pkg-config --variable=prefix usertoken)" = "$prefix" ] || fail "usertoken.pc has prefix $(pkg-config --variable=prefix usertoken)"
[ "$(pkg-config --variable=libdir usertoken)" = "$lib" ] || fail "usertoken.pc has libdir $(pkg-config --variable=libdir usertoken)"
# shellcheck disable=SC2086 # the flags are meant to be split
"$cc" -std=c99 -Wall -Wextra -Werror $cflags -o "$work/demo_pkgconfig" "$root/examples/demo.c" $libs -Wl,-rpath,"$lib"
readelf -d "$work/demo_pkgconfig" | grep -q 'NEEDED.*\[libusertoken.so.1\]' || fail "the demo does not depend on libusertoken.so.1"
case "$(LD_LIBRARY_PATH='' ldd "$work/demo_pkgconfig" | grep libusertoken)" in
    *"$lib/libusertoken.so.1"*) ;;
    *) fail "the demo does not load the installed library" ;;
esac
run_demo "$work/demo_pkgconfig"
unset PKG_CONFIG_PATH

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

echo "== DESTDIR staging with the default PREFIX, as packagers and sudo use it"
stage="$work/stage"
as_root_would install DESTDIR="$stage" >"$work/stage.log" 2>&1 || { cat "$work/stage.log" >&2; fail "make install DESTDIR=... failed"; }
cat "$work/stage.log"
check_layout "$stage/usr/local" "$stage/usr/local/lib"
grep -qx 'prefix=/usr/local' "$stage/usr/local/lib/pkgconfig/usertoken.pc" || fail "the staged usertoken.pc does not say prefix=/usr/local"

echo "== the README's C quick start, built with the README's command against the staged install"
readme="$root/README.md"
mkdir -p "$work/readme"
awk '/^## C quick start/ { section = 1 } section && /^```c$/ { inside = 1; next } inside && /^```$/ { exit } inside { print }' \
    "$readme" >"$work/readme/app.c"
[ -s "$work/readme/app.c" ] || fail "README.md has no \`\`\`c block under '## C quick start'"
build_line=$(grep -m 1 '^cc .*pkg-config' "$readme") || fail "README.md has no 'cc ... pkg-config ...' line"
echo "$build_line"
# The staged tree stands in for the installed one: pkg-config (pkgconf) puts the sysroot in
# front of every directory it prints, libdir included.
(cd "$work/readme" && PKG_CONFIG_PATH="$stage/usr/local/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$stage" sh -c "$build_line") ||
    fail "the README's build line failed"
readelf -d "$work/readme/app" | grep -q "R.*PATH.*\[$stage/usr/local/lib\]" || fail "the README's program has no rpath to the library"
env -u LD_LIBRARY_PATH MINDBODY_BASE_URL="$url" MINDBODY_API_KEY=test-api-key "$work/readme/app" >"$work/readme/app.out" 2>&1 ||
    { cat "$work/readme/app.out" >&2; fail "the README's program did not run"; }
cat "$work/readme/app.out"
grep -q '^UT_OK {' "$work/readme/app.out" || fail "the README's program did not issue a token"

echo "== make uninstall removes every file"
as_root_would uninstall DESTDIR="$stage" >"$work/unstage.log" 2>&1 || { cat "$work/unstage.log" >&2; fail "make uninstall failed"; }
left=$(find "$stage" ! -type d)
[ -z "$left" ] || fail "make uninstall left: $left"
[ ! -e "$stage/usr/local/lib/cmake/usertoken" ] && [ ! -e "$stage/usr/local/share/doc/usertoken" ] ||
    fail "make uninstall left usertoken's own directories"

echo "== a multiarch LIBDIR, found by pkg-config and find_package"
multi="$work/multiarch"
as_root_would install DESTDIR="$multi" PREFIX=/usr LIBDIR=/usr/lib/x86_64-linux-gnu >"$work/multiarch.log" 2>&1 ||
    { cat "$work/multiarch.log" >&2; fail "make install LIBDIR=/usr/lib/x86_64-linux-gnu failed"; }
check_layout "$multi/usr" "$multi/usr/lib/x86_64-linux-gnu"
[ ! -e "$multi/usr/lib/libusertoken.so" ] || fail "LIBDIR was not honoured"
grep -qx 'libdir=${exec_prefix}/lib/x86_64-linux-gnu' "$multi/usr/lib/x86_64-linux-gnu/pkgconfig/usertoken.pc" ||
    fail "the multiarch usertoken.pc does not name its libdir"
"$cmake" -S "$consumer" -B "$work/consumer-multiarch" -DCMAKE_PREFIX_PATH="$multi/usr" -DDEMO_SOURCE="$root/examples/demo.c" \
    -DUSERTOKEN_REQUEST=1.0 >"$work/consumer-multiarch.log" 2>&1 ||
    { cat "$work/consumer-multiarch.log" >&2; fail "find_package in the multiarch tree failed"; }
"$cmake" --build "$work/consumer-multiarch" >"$work/consumer-multiarch-build.log" 2>&1 ||
    { cat "$work/consumer-multiarch-build.log" >&2; fail "the build against the multiarch tree failed"; }
lib="$multi/usr/lib/x86_64-linux-gnu"
grep "usertoken $version from $lib/cmake/usertoken" "$work/consumer-multiarch.log" || fail "find_package found another usertoken"
run_demo "$work/consumer-multiarch/demo"
as_root_would uninstall DESTDIR="$multi" PREFIX=/usr LIBDIR=/usr/lib/x86_64-linux-gnu >/dev/null 2>&1 || fail "make uninstall (multiarch) failed"
left=$(find "$multi" ! -type d)
[ -z "$left" ] || fail "make uninstall (multiarch) left: $left"
[ "$(stat -c %Y "$root/target/release/libusertoken.so")" = "$built_stamp" ] || fail "make install rebuilt the library"
echo "build_install: all good"
