#!/usr/bin/env bash
# Bulk fixing must be deterministic (issue 17): `dotnet format analyzers` over a project with one shape per LockDiscipline fix,
# N times with every fixable ID listed and N times with no --diagnostics at all, from a fresh copy each time. Prints one hash
# per run and exits non-zero unless every run gave the same output and the result builds with no LD finding left.
#
#   benchmarks/FormatDeterminism/run.sh [N]      (default 20; packs the repository's package first)
set -euo pipefail
n=${1:-20}
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/ld-format-XXXXXX)
trap 'rm -rf "$work"' EXIT
sources="$repo/tests/LockDiscipline.Tests/EndToEnd/Sources/Format"
ids=(LD1001 LD1002 LD1004 LD1008 LD1010 LD2001 LD2004)

dotnet pack "$repo/src/Package" -c Release -o "$work/feed" --disable-build-servers >/dev/null
mkdir -p "$work/template"
cp "$sources"/*.cs "$work/template/"
echo 'System.Console.WriteLine();' > "$work/template/Program.cs"
cat > "$work/template/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$work/feed" />
  </packageSources>
</configuration>
XML
cat > "$work/template/App.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <RestorePackagesPath>$work/packages</RestorePackagesPath>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="LockDiscipline" Version="0.1.0" />
  </ItemGroup>
</Project>
XML

run_once() { # $1 = label, rest = format arguments; prints the hash of the formatted sources
  local label=$1; shift
  rm -rf "$work/app" && cp -r "$work/template" "$work/app"
  (cd "$work/app" && dotnet restore >/dev/null && dotnet format analyzers App.csproj --no-restore "$@" > "$work/format-$label.log" 2>&1)
  (cd "$work/app" && cat $(ls *.cs | sort) | md5sum | cut -c1-12)
}

declare -A seen=()
for i in $(seq 1 "$n"); do
  h=$(run_once "listed-$i" --diagnostics "${ids[@]}" --severity info); echo "listed   $i: $h"; seen[$h]=1
  h=$(run_once "unlisted-$i" --severity warn); echo "unlisted $i: $h"; seen[$h]=1
done

left=$(cd "$work/app" && dotnet build --no-restore --disable-build-servers 2>&1 | grep -cE '\b(error|warning) LD[0-9]{4}\b' || true)
echo "${#seen[@]} distinct output(s) over $((2 * n)) runs; $left LD finding(s) left after the last run"
[[ ${#seen[@]} -eq 1 && $left -eq 0 ]]
