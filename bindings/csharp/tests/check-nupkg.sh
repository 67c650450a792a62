#!/usr/bin/env bash
# The NuGet package as pack-nupkg.sh assembles it (the layout of `dotnet pack`): lists it and
# checks each entry, the nuspec's metadata, that the native library is the stripped build of
# the one in target/release, that the XML documentation came along, and that a program using
# the package's assembly and native library runs against the emulator.
# Usage: check-nupkg.sh NUPKG CSPROJ BUILT_LIBRARY QUICKSTART_EXE MONO EMULATOR
set -euo pipefail
nupkg=$1
csproj=$2
built=$3
quickstart=$4
mono=$5
emulator=$6
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() {
    echo "check-nupkg: $*" >&2
    exit 1
}

echo "== entries of $(basename "$nupkg")"
unzip -Z1 "$nupkg" | sort >"$work/entries"
cat "$work/entries"
sort >"$work/expected" <<'ENTRIES'
[Content_Types].xml
_rels/.rels
UserToken.nuspec
README.md
LICENSE-MIT
LICENSE-APACHE
lib/netstandard2.0/UserToken.dll
lib/netstandard2.0/UserToken.xml
runtimes/linux-x64/native/libusertoken.so
ENTRIES
diff -u "$work/expected" "$work/entries" || fail "the package's entries differ from the expected ones (above)"
unzip -q "$nupkg" -d "$work/package"
package="$work/package"

echo "== nuspec"
nuspec="$package/UserToken.nuspec"
cat "$nuspec"
expect() {
    grep -qF -- "$1" "$nuspec" || fail "the nuspec lacks $1"
}
expect '<id>UserToken</id>'
expect "<version>$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$here/UserToken.csproj")</version>"
expect '<license type="expression">MIT OR Apache-2.0</license>'
expect '<readme>README.md</readme>'
expect '<repository type="git" url="https://github.com/usertoken/usertoken" />'
expect '<projectUrl>https://github.com/usertoken/usertoken</projectUrl>'
expect '<authors>the usertoken developers</authors>'
# The one URL of the package is the csproj's RepositoryUrl.
[ "$(grep -c 'https://github.com/usertoken/usertoken' "$csproj")" = 1 ] || fail "$csproj names its URL more than once"

echo "== files"
for license in LICENSE-MIT LICENSE-APACHE; do
    cmp -s "$package/$license" "$here/../../$license" || fail "$license differs from the repository's"
done
cmp -s "$package/README.md" "$here/README.md" || fail "README.md differs from bindings/csharp/README.md"
grep -q '<param name="siteId">' "$package/lib/netstandard2.0/UserToken.xml" || fail "the XML documentation lacks the <param> docs"

echo "== native library"
library="$package/runtimes/linux-x64/native/libusertoken.so"
size=$(stat -c %s "$library")
echo "packed: $size bytes; built: $(stat -c %s "$built") bytes"
readelf --section-headers --wide "$library" >"$work/sections"
! grep -qE '\.symtab|\.debug_' "$work/sections" || fail "the packed library is not stripped"
[ "$size" -lt 10000000 ] || fail "the packed library is $size bytes"
readelf -d "$library" | grep -q 'Library soname: \[libusertoken.so.1\]' || fail "the packed library lost its soname"
nm -D --defined-only "$library" | awk '{ print $3 }' | sort >"$work/packed.syms"
nm -D --defined-only "$built" | awk '{ print $3 }' | sort >"$work/built.syms"
cmp -s "$work/packed.syms" "$work/built.syms" || fail "the packed library exports other symbols than the built one"

echo "== the package's assembly and native library run the quick start"
mkdir -p "$work/app"
cp "$quickstart" "$package/lib/netstandard2.0/UserToken.dll" "$work/app/"
LD_LIBRARY_PATH="$package/runtimes/linux-x64/native" "$here/with-emulator.sh" "$emulator" \
    "$mono" "$work/app/$(basename "$quickstart")" >"$work/run.log" 2>&1 || { cat "$work/run.log" >&2; fail "the quick start failed"; }
grep -q '^session token: ' "$work/run.log" || { cat "$work/run.log" >&2; fail "the quick start did not get to its end"; }
echo "check-nupkg: all good"
