#!/usr/bin/env bash
# Packs PercepNet, PercepNet.Audio and PercepNet.Tool into a folder and uses them as a user would: the example apps
# restored from that folder (and NuGet for third-party packages) build and denoise examples/noisy.wav, and the tool
# installs with 'dotnet tool install' and denoises it too, to the same bytes as the in-tree build.
#   scripts/check-packages.sh [PACKAGE_DIR]     (default: a temporary folder; CI passes the one the tests read)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
packages="${1:-$work/packages}"
mkdir -p "$packages"
packages="$(cd "$packages" && pwd)"

dotnet pack "$root/PercepNet.slnx" -c Release -o "$packages" -nologo -v q
ls -l "$packages"

# A package cache of its own, so the packages just made are used and not an older build of the same version.
export NUGET_PACKAGES="$work/nuget"
for app in Quickstart NAudioPipeline; do
  dotnet build "$root/examples/$app" -c Release -nologo -v q -p:RestoreAdditionalProjectSources="$packages" \
    -o "$work/$app"
  dotnet "$work/$app/$app.dll" "$root/examples/noisy.wav" "$work/$app.wav"
  test -s "$work/$app.wav"
done

dotnet tool install --tool-path "$work/tool" --add-source "$packages" PercepNet.Tool
"$work/tool/percepnet" denoise "$root/examples/noisy.wav" -o "$work/tool.wav"
"$work/tool/percepnet" model info | head -n 1
expected=eedbb37ee062ee67da310aadc47bd4713fca267eb4f95a285cec97a9f2f712e2
actual="$(sha256sum "$work/tool.wav" | cut -d' ' -f1)"
if [ "$actual" != "$expected" ]; then
  echo "the installed tool's output differs from the recorded one ($actual)" >&2
  exit 1
fi
echo "packages: examples and installed tool OK"
