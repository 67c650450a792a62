#!/usr/bin/env bash
# Assembles UserToken.<version>.nupkg from the Mono build, in the layout that
# `dotnet pack UserToken.csproj` gives it, for checking without a .NET SDK
# (tests/check-nupkg.sh). The package's metadata and its README and license files are read from
# UserToken.csproj, the stripped native library is made with the csproj's own strip command,
# and the assembly and its XML documentation are the ones mcs built.
# Usage: pack-nupkg.sh CSPROJ ASSEMBLY XML_DOC NATIVE_LIBRARY OUT_DIR
set -euo pipefail
csproj=$1
assembly=$2
xml_doc=$3
native=$4
out=$5
project_dir=$(cd "$(dirname "$csproj")" && pwd)

# <Name>value</Name>, one per line in the csproj; $(Other) references to other properties resolved.
property() {
    local value
    value=$(sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$csproj" | head -n 1)
    while [[ $value =~ \$\(([A-Za-z]+)\) ]]; do
        value=${value//"${BASH_REMATCH[0]}"/$(property "${BASH_REMATCH[1]}")}
    done
    printf '%s' "$value"
}
xml_escape() {
    sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' <<<"$1"
}

id=$(property PackageId)
version=$(property Version)
framework=$(property TargetFramework)
[ -n "$id" ] && [ -n "$version" ] && [ -n "$framework" ] || { echo "pack-nupkg: $csproj lacks PackageId, Version or TargetFramework" >&2; exit 1; }

stage="$out/stage"
rm -rf "$stage" "$out/$id.$version.nupkg"
mkdir -p "$stage/lib/$framework" "$stage/runtimes/linux-x64/native" "$stage/_rels"

# What GenerateDocumentationFile and the build output put under lib/<tfm>/.
cp "$assembly" "$stage/lib/$framework/$id.dll"
cp "$xml_doc" "$stage/lib/$framework/$id.xml"

# The csproj's PackStrippedNativeLibrary target: the same command, the same place.
strip_flags=$(sed -n 's:.*&quot;$(UserTokenStrip)&quot; \(--[a-z-]*\) -o .*:\1:p' "$csproj")
[ -n "$strip_flags" ] || { echo "pack-nupkg: no strip command in $csproj" >&2; exit 1; }
packed_native=$(sed -n 's:.*<TfmSpecificPackageFile Include="$(UserTokenStrippedLibrary)" PackagePath="\([^"]*\)".*:\1:p' "$csproj")
[ -n "$packed_native" ] || { echo "pack-nupkg: no TfmSpecificPackageFile in $csproj" >&2; exit 1; }
strip "$strip_flags" -o "$stage/$packed_native$(basename "$native")" "$native"

# Every <None Include="FILE" Pack="true" PackagePath="/" />: the README and the licenses.
while read -r file; do
    cp "$project_dir/$file" "$stage/$(basename "$file")"
done < <(sed -n 's:.*<None Include="\([^"$]*\)" Pack="true" PackagePath="/".*:\1:p' "$csproj")

cat >"$stage/$id.nuspec" <<NUSPEC
<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata>
    <id>$id</id>
    <version>$version</version>
    <authors>$(xml_escape "$(property Authors)")</authors>
    <license type="expression">$(xml_escape "$(property PackageLicenseExpression)")</license>
    <licenseUrl>https://licenses.nuget.org/$(property PackageLicenseExpression | sed "s/ /%20/g")</licenseUrl>
    <readme>$(property PackageReadmeFile)</readme>
    <projectUrl>$(xml_escape "$(property PackageProjectUrl)")</projectUrl>
    <description>$(xml_escape "$(property Description)")</description>
    <copyright>$(xml_escape "$(property Copyright)")</copyright>
    <tags>$(property PackageTags | tr ';' ' ')</tags>
    <repository type="$(property RepositoryType)" url="$(xml_escape "$(property RepositoryUrl)")" />
    <dependencies>
      <group targetFramework=".NETStandard2.0" />
    </dependencies>
  </metadata>
</package>
NUSPEC

# The Open Packaging Conventions parts that NuGet writes into every package.
cat >"$stage/[Content_Types].xml" <<'TYPES'
<?xml version="1.0" encoding="utf-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
  <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" />
  <Default Extension="nuspec" ContentType="application/octet" />
  <Default Extension="dll" ContentType="application/octet" />
  <Default Extension="xml" ContentType="application/octet" />
  <Default Extension="so" ContentType="application/octet" />
  <Default Extension="md" ContentType="application/octet" />
  <Default Extension="txt" ContentType="application/octet" />
  <Override PartName="/LICENSE-MIT" ContentType="application/octet" />
  <Override PartName="/LICENSE-APACHE" ContentType="application/octet" />
</Types>
TYPES
cat >"$stage/_rels/.rels" <<RELS
<?xml version="1.0" encoding="utf-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
  <Relationship Type="http://schemas.microsoft.com/packaging/2010/07/manifest" Target="/$id.nuspec" Id="R0" />
</Relationships>
RELS

# -D: no entries for directories, as NuGet writes none.
(cd "$stage" && zip -q -X -D -r "../$id.$version.nupkg" .)
echo "$out/$id.$version.nupkg"
